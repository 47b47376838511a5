// client::PendingReplies, the request/reply correlation of client::AsyncCaller and load::Lane,
// without a network: reply subjects, one taker per request, expiry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/client/pending_replies.hpp"

using namespace aegis;
using Clock = std::chrono::steady_clock;

TEST_CASE("pending replies: a reply subject finds its request once, strays find nothing") {
    client::PendingReplies<std::string> p("_INBOX.abc");
    CHECK(p.wildcard() == "_INBOX.abc.*");
    auto later = Clock::now() + std::chrono::hours(1);
    uint64_t a = p.add("a", later), b = p.add("b", later);
    CHECK(a != b);
    std::string sa(p.reply_subject(a).view()), sb(p.reply_subject(b).view());
    CHECK(sa == "_INBOX.abc." + std::to_string(a));
    CHECK(p.size() == 2);
    CHECK(p.take_reply(sb) == std::optional<std::string>("b"));
    CHECK_FALSE(p.take_reply(sb));  // a second reply to the same request
    CHECK_FALSE(p.take_reply("_INBOX.abc."));
    CHECK_FALSE(p.take_reply("_INBOX.abc.x"));
    CHECK_FALSE(p.take_reply(sa + ".1"));
    CHECK(p.take(a) == std::optional<std::string>("a"));
    CHECK(p.size() == 0);
}

TEST_CASE("pending replies: expire takes out what is due and calls back outside the lock") {
    client::PendingReplies<int> p("_INBOX.x");
    auto now = Clock::now();
    uint64_t early = p.add(1, now - std::chrono::milliseconds(1));
    p.add(2, now);
    uint64_t late = p.add(3, now + std::chrono::seconds(5));
    std::vector<int> gone;
    p.expire(now, [&](int&& v) {
        gone.push_back(v);
        CHECK(p.size() == 1);  // locks: would deadlock under the lock
    });
    std::sort(gone.begin(), gone.end());
    CHECK(gone == std::vector<int>{1, 2});
    CHECK_FALSE(p.take(early));
    CHECK(p.take(late) == 3);
}

TEST_CASE("pending replies: a long inbox still gets whole reply subjects") {
    std::string inbox(300, 'i');
    client::PendingReplies<int> p(inbox);
    uint64_t id = p.add(7, Clock::now());
    std::string subject(p.reply_subject(id).view());
    CHECK(subject == inbox + "." + std::to_string(id));
    CHECK(p.take_reply(subject) == 7);
}
