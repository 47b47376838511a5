// Adaptive write coalescing (core/nats/write_batch.hpp) against a real nats-server: a lone
// publish is written at once; answers to requests that piled up wait in the write buffer and go
// out together; every message arrives, in order; when the load drops back to one message the
// answer is written at once again. Asserted on nats.c's write buffer, never on timings.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/nats/connection.hpp"
#include "core/nats/write_batch.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using aegis::test::eventually;
using namespace aegis;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<nats::Connection> adaptive(const test::NatsServer& server) {
    nats::ConnectOptions o;
    o.servers = {server.url()};
    o.name = "write-batch";
    o.adaptive_writes = true;
    return nats::Connection::connect(o);
}

// Received payloads, in arrival order.
struct Inbox {
    std::mutex mutex;
    std::vector<std::string> got;
    size_t size() {
        std::lock_guard lock(mutex);
        return got.size();
    }
};

}  // namespace

TEST_CASE("adaptive writes: a lone publish leaves nothing in the write buffer") {
    if (!nats::write_batch::available()) return;  // another nats.c: a write per publish
    test::NatsServer server;
    auto conn = adaptive(server);
    auto reader = server.connect("reader");
    Inbox in;
    auto sub = reader->subscribe("wb.lone", [&](nats::Msg& m) {
        std::lock_guard lock(in.mutex);
        in.got.emplace_back(m.data());
    });
    reader->flush();
    for (int i = 0; i < 5; ++i) {
        conn->publish("wb.lone", std::to_string(i));
        CHECK(conn->buffered() == 0);  // written at once, not left to the flusher
    }
    REQUIRE(eventually([&] { return in.size() == 5; }));
    CHECK(in.got == std::vector<std::string>{"0", "1", "2", "3", "4"});
}

TEST_CASE("adaptive writes: answers to a pile-up share writes, all arrive in order, "
          "and a lone call afterwards is written at once") {
    if (!nats::write_batch::available()) return;  // another nats.c: a write per publish
    test::NatsServer server;
    auto conn = adaptive(server);
    nats::Connection* raw = conn.get();
    std::mutex gate_mutex;
    std::condition_variable gate_cv;
    bool open = false;
    std::mutex seen_mutex;
    std::vector<int> buffered_after;  // the write buffer after each answer's publish
    auto sub = conn->subscribe("wb.in", [&](nats::Msg& m) {
        {
            std::unique_lock lock(gate_mutex);  // the first message holds the rest in the queue
            gate_cv.wait(lock, [&] { return open; });
        }
        raw->publish("wb.out", m.data());
        std::lock_guard lock(seen_mutex);
        buffered_after.push_back(raw->buffered());
    });
    conn->flush();
    auto client = server.connect("client");
    Inbox out;
    auto replies = client->subscribe("wb.out", [&](nats::Msg& m) {
        std::lock_guard lock(out.mutex);
        out.got.emplace_back(m.data());
    });
    client->flush();
    const int n = 300;
    std::vector<std::string> sent;
    for (int i = 0; i < n; ++i) {
        sent.push_back("m" + std::to_string(i));
        client->publish("wb.in", sent.back());
    }
    client->flush();
    std::this_thread::sleep_for(200ms);  // let them reach the subscription's queue
    {
        std::lock_guard lock(gate_mutex);
        open = true;
    }
    gate_cv.notify_all();
    auto handled = [&] {
        std::lock_guard lock(seen_mutex);
        return buffered_after.size();
    };
    REQUIRE(eventually([&] { return out.size() == static_cast<size_t>(n); }));
    REQUIRE(eventually([&] { return handled() == static_cast<size_t>(n); }));
    {
        std::lock_guard lock(out.mutex);
        CHECK(out.got == sent);  // nothing lost, nothing reordered
    }
    {
        std::lock_guard lock(seen_mutex);
        REQUIRE(buffered_after.size() == static_cast<size_t>(n));
        int held = 0;
        for (int b : buffered_after) held += b > 0 ? 1 : 0;
        CHECK(held > 0);                      // answers waited for the rest: coalesced
        CHECK(buffered_after.back() == 0);    // the last of the pile is written at once
    }
    // The load drops back to one message in flight: its answer is written at once again.
    for (int i = 0; i < 3; ++i) {
        client->publish("wb.in", "lone" + std::to_string(i));
        REQUIRE(eventually([&] { return out.size() == static_cast<size_t>(n + i + 1); }));
        REQUIRE(eventually([&] { return handled() == static_cast<size_t>(n + i + 1); }));
        std::lock_guard lock(seen_mutex);
        CHECK(buffered_after.back() == 0);
    }
    std::lock_guard lock(out.mutex);
    CHECK(out.got.back() == "lone2");
}

TEST_CASE("adaptive writes: a Hold keeps a batch in the buffer until it ends, order kept") {
    if (!nats::write_batch::available()) return;  // another nats.c: a write per publish
    test::NatsServer server;
    auto conn = adaptive(server);
    auto reader = server.connect("reader");
    Inbox in;
    auto sub = reader->subscribe("wb.hold", [&](nats::Msg& m) {
        std::lock_guard lock(in.mutex);
        in.got.emplace_back(m.data());
    });
    reader->flush();
    std::vector<std::string> sent;
    int held = 0;
    {
        nats::write_batch::Hold together;
        for (int i = 0; i < 50; ++i) {
            sent.push_back(std::to_string(i));
            conn->publish("wb.hold", sent.back());
            held += conn->buffered() > 0 ? 1 : 0;  // nats.c's flusher may write some (~1 ms)
        }
    }
    CHECK(held > 0);  // held: not one write per message
    CHECK(conn->buffered() == 0);  // the Hold's end wrote them
    REQUIRE(eventually([&] { return in.size() == sent.size(); }));
    CHECK(in.got == sent);
    // A connection without adaptive writes is not held back by a Hold.
    auto plain = server.connect("plain");
    nats::write_batch::Hold together;
    plain->publish("wb.hold", "plain");
    CHECK(plain->buffered() == 0);
}
