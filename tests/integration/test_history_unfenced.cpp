// The history checker against real processes: a leader frozen (SIGSTOP) until another instance
// won, then resumed (SIGCONT). Fenced — the default — the history is clean; with the test-only
// unfenced switch the resumed leader runs what it received under its old term, and the checker
// must report it. This is the test that the checker itself can fail.
#include <catch2/catch.hpp>

#include <signal.h>

#include <thread>

#include "core/client/sticky_retry.hpp"
#include "core/history/checker.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

using Env = std::vector<std::pair<std::string, std::string>>;

void call_echo(StickyClient& client, const std::string& service, const std::string& what,
               int n) {
    CallOptions o;
    o.timeout = 2000ms;
    for (int i = 0; i < n; ++i)
        client.call(service, "echo", {{"message", what + "-" + std::to_string(i)}}, o);
}

// Two echo-single instances recording to one history; the leader is frozen until the other
// serves, then resumed. Returns what the checker says about the run.
history::Verdict frozen_leader_history(bool unfenced) {
    test::NatsServer server;
    const std::string service = unfenced ? "hist-unfenced" : "hist-fenced";
    const std::string path = server.dir() + "/history.jsonl";
    Env env{{"AEGIS_HISTORY_FILE", path}};
    if (unfenced) {
        env.emplace_back("AEGIS_TEST_UNFENCED", "1");
        env.emplace_back("AEGIS_TEST_ALLOW_UNSAFE", "1");
    }
    auto start = [&](int n) {
        return std::make_unique<test::Background>(
            std::vector<std::string>{"demo", "echo-single", "--server", server.url(), "--service",
                                     service, "--instance-id", service + "-h" + std::to_string(n),
                                     "--instance", std::to_string(n + 1), "--policy",
                                     "balanced"},
            env);
    };
    auto old = start(0);
    REQUIRE(old->wait_for_output("is ACTIVE", 15s));
    auto next = start(1);
    REQUIRE(next->wait_for_output("is STANDBY", 15s));
    if (unfenced) CHECK(old->output().find("fencing is OFF") != std::string::npos);

    RetryPolicy p;
    p.attempts = 10;
    p.initial_delay = 20ms;
    p.max_delay = 200ms;
    StickyClient client(server.connect("history-client"), p);
    call_echo(client, service, "before", 3);
    REQUIRE(::kill(old->pid(), SIGSTOP) == 0);
    auto conn = server.connect("history-observer");
    REQUIRE(test::eventually([&] { return test::lease_holder(conn, service) == service + "-h1"; },
                             15s, 5ms));
    REQUIRE(next->wait_for_output("is ACTIVE", 5s));
    // No call is in flight at the freeze: whatever the old leader runs later, it runs on a lease
    // it no longer holds. These reach it too (exclusive methods have no queue group).
    call_echo(client, service, "frozen", 6);
    REQUIRE(::kill(old->pid(), SIGCONT) == 0);
    CHECK(old->wait_for_output("is STANDBY", 5s));
    std::this_thread::sleep_for(500ms);  // time to (not) run what it received while frozen
    old->stop();
    next->stop();
    return history::check_history(history::read_history(path));
}

}  // namespace

TEST_CASE("history: a fenced leader frozen and resumed leaves a clean history") {
    auto v = frozen_leader_history(false);
    INFO(history::verdict_line(v));
    CHECK(v.ok());
    CHECK(v.executions == 9);  // 3 by the old leader, 6 by the new one
    CHECK(v.instances == 2);
    CHECK(v.lease_events >= 3);  // acquired, acquired, lost / fenced (and a release)
    CHECK(v.malformed == 0);
}

TEST_CASE("history: an unfenced leader (test switch) is caught running on a lost lease") {
    auto v = frozen_leader_history(true);
    INFO(history::verdict_line(v));
    CHECK_FALSE(v.ok());
    // The six calls it received while frozen, each run again by it after the new leader ran it.
    CHECK(v.stale.count == 6);
    CHECK(v.executions == 15);
    REQUIRE(v.stale.first.size() == 2);
    // The first offence: the lease event that ended its leadership — its own fence, seen first
    // on resuming, or the new leader's acquisition — then its late execution under the old term.
    const Json& why = v.stale.first[0];
    const Json& ran = v.stale.first[1];
    CHECK(ran["instance"] == "hist-unfenced-h0");
    if (why["event"] == "acquired") {
        CHECK(why["instance"] == "hist-unfenced-h1");
        CHECK(ran["term"].get<uint64_t>() < why["term"].get<uint64_t>());
    } else {
        CHECK((why["event"] == "fenced" || why["event"] == "lost"));
        CHECK(why["instance"] == "hist-unfenced-h0");
        CHECK(ran["term"] == why["term"]);
    }
    CHECK(ran["start_us"].get<int64_t>() > why["t_us"].get<int64_t>());
    auto problems = v.problems();
    REQUIRE_FALSE(problems.empty());
    CHECK(problems.back().find("started on a lease no longer held") != std::string::npos);
}

TEST_CASE("history: the unfenced switch alone is ignored") {
    test::NatsServer server;
    test::Background svc({"demo", "echo-single", "--server", server.url(), "--service",
                          "hist-ignored", "--instance-id", "hist-ignored-h0"},
                         {{"AEGIS_TEST_UNFENCED", "1"}});
    REQUIRE(svc.wait_for_output("is ACTIVE", 15s));
    CHECK(svc.output().find("AEGIS_TEST_UNFENCED ignored") != std::string::npos);
    CHECK(svc.output().find("fencing is OFF") == std::string::npos);
}
