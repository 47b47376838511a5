// The fault proxy (core/fault/proxy.hpp) between a real client and a real nats-server: a
// partition holds the stream and delivers it intact at the heal, latency delays each way, a flap
// loses nothing, slow-close leaves the client half-open until the fault ends.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "core/fault/proxy.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace aegis::fault;
using namespace std::chrono_literals;
using aegis::test::eventually;

namespace {

using Clock = std::chrono::steady_clock;

std::shared_ptr<nats::Connection> connect_via(const FaultProxy& p, const char* name) {
    nats::ConnectOptions o;
    o.servers = {p.url()};
    o.name = name;
    o.reconnect_wait = 100ms;
    return nats::Connection::connect(o);
}

// What a subscriber got, in order.
struct Inbox {
    std::mutex m;
    std::vector<std::string> got;
    void add(std::string s) {
        std::lock_guard lk(m);
        got.push_back(std::move(s));
    }
    size_t size() {
        std::lock_guard lk(m);
        return got.size();
    }
};

}  // namespace

TEST_CASE("a partition holds the stream and delivers it intact at the heal", "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto cut = connect_via(proxy, "cut-off");
    auto peer = server.connect("peer");
    Inbox inbox;
    auto sub = cut->subscribe("fp.x", [&](nats::Msg& m) { inbox.add(std::string(m.data())); });
    cut->flush();
    peer->publish("fp.x", "0");
    REQUIRE(eventually([&] { return inbox.size() == 1; }, 5s));

    proxy.apply({FaultKind::partition, 60000ms});
    for (int i = 1; i <= 3; ++i) peer->publish("fp.x", std::to_string(i));
    peer->flush();
    std::this_thread::sleep_for(600ms);
    CHECK(inbox.size() == 1);  // silent: nothing passes
    CHECK(proxy.fault() == FaultKind::partition);
    auto responder = peer->subscribe("fp.echo", [&](nats::Msg& m) { peer->publish(m.reply(), "pong"); });
    peer->flush();
    CHECK_THROWS_AS(cut->request("fp.echo", "ping", 300ms), TimeoutError);

    proxy.heal();
    REQUIRE(eventually([&] { return inbox.size() == 4; }, 5s));
    CHECK(inbox.got == std::vector<std::string>{"0", "1", "2", "3"});
    CHECK(cut->reconnects() == 0);  // the same TCP stream went on
    CHECK(cut->request("fp.echo", "ping", 2000ms).data() == "pong");
}

TEST_CASE("a partition ends by itself after its duration", "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto c = connect_via(proxy, "c");
    auto peer = server.connect("peer");
    auto responder = peer->subscribe("fp.echo", [&](nats::Msg& m) { peer->publish(m.reply(), "pong"); });
    peer->flush();
    proxy.apply({FaultKind::partition, 800ms});
    auto t0 = Clock::now();
    CHECK(c->request("fp.echo", "ping", 5000ms).data() == "pong");
    CHECK(Clock::now() - t0 >= 600ms);
    CHECK(proxy.fault() == FaultKind::none);
}

TEST_CASE("latency delays each direction", "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto c = connect_via(proxy, "slow");
    auto peer = server.connect("peer");
    auto responder = peer->subscribe("fp.echo", [&](nats::Msg& m) { peer->publish(m.reply(), "pong"); });
    peer->flush();
    c->request("fp.echo", "warm", 2000ms);
    Fault f{FaultKind::latency, 30000ms};
    f.delay = 250ms;
    f.jitter = 50ms;
    proxy.apply(f);
    auto t0 = Clock::now();
    CHECK(c->request("fp.echo", "ping", 5000ms).data() == "pong");
    auto took = Clock::now() - t0;
    CHECK(took >= 500ms);  // out and back
    CHECK(took < 4000ms);
    proxy.heal();
    t0 = Clock::now();
    c->request("fp.echo", "ping", 2000ms);
    CHECK(Clock::now() - t0 < 400ms);
}

TEST_CASE("a flap cuts and heals but loses nothing", "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto c = connect_via(proxy, "flappy");
    auto peer = server.connect("peer");
    Inbox inbox;
    auto sub = c->subscribe("fp.f", [&](nats::Msg& m) { inbox.add(std::string(m.data())); });
    c->flush();
    Fault f{FaultKind::flap, 2000ms};
    f.cut = 300ms;
    f.heal = 200ms;
    proxy.apply(f);
    std::vector<std::string> sent;
    for (int i = 0; i < 20; ++i) {
        sent.push_back(std::to_string(i));
        peer->publish("fp.f", sent.back());
        std::this_thread::sleep_for(100ms);
    }
    REQUIRE(eventually([&] { return inbox.size() == sent.size(); }, 5s));
    CHECK(inbox.got == sent);
    CHECK(c->reconnects() == 0);
}

TEST_CASE("slow-close: the server sees the client leave, the client learns at the end",
          "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto c = connect_via(proxy, "half-open");
    auto peer = server.connect("peer");
    Inbox inbox;
    auto sub = c->subscribe("fp.h", [&](nats::Msg& m) { inbox.add(std::string(m.data())); });
    c->flush();
    proxy.apply({FaultKind::slow_close, 1500ms});
    // The server dropped the client's connection and its subscription: no responders.
    REQUIRE(eventually(
        [&] {
            try {
                peer->request("fp.h", "x", 200ms);
                return false;
            } catch (const NoRespondersError&) {
                return true;
            } catch (const std::exception&) {
                return false;
            }
        },
        5s));
    CHECK(c->reconnects() == 0);  // the client still believes it is connected
    // At the end its side is closed: it reconnects and subscribes again.
    REQUIRE(eventually([&] { return c->reconnects() >= 1; }, 10s));
    REQUIRE(eventually(
        [&] {
            peer->publish("fp.h", "back");
            peer->flush();
            std::this_thread::sleep_for(50ms);
            return inbox.size() >= 1;
        },
        10s));
    CHECK(proxy.accepted() >= 2);
}

TEST_CASE("the fault proxy refuses a server that is not on loopback", "[fault]") {
    CHECK_THROWS_AS(FaultProxy("nats://192.0.2.1:4222"), UsageError);
}

// What lets a cut-off leader's call end with its lease: a create that waits only as long as it
// is told, however long the link stays silent.
TEST_CASE("create_within gives up at its wait while the link is cut, creates otherwise",
          "[fault]") {
    test::NatsServer server;
    FaultProxy proxy(server.url());
    auto c = connect_via(proxy, "writer");
    nats::BucketConfig cfg;
    cfg.name = "fp_orders";
    auto kv = nats::KeyValue::open_or_create(c, cfg);
    CHECK(kv.create_within("order.a", "1", 2000ms) > 0);
    CHECK_THROWS_AS(kv.create_within("order.a", "2", 2000ms), ConflictError);
    proxy.apply({FaultKind::partition, 5000ms});
    auto t0 = Clock::now();
    CHECK_THROWS_AS(kv.create_within("order.b", "1", 300ms), TimeoutError);
    CHECK(Clock::now() - t0 < 2000ms);
    CHECK_THROWS_AS(kv.create_within("order.c", "1", 0ms), TimeoutError);
    proxy.heal();
    // The held write lands at the heal: the order exists once, and a retry finds it.
    REQUIRE(eventually([&] { return kv.get("order.b").has_value(); }, 5s));
    CHECK_THROWS_AS(kv.create_within("order.b", "again", 2000ms), ConflictError);
}
