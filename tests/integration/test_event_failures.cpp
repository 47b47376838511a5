// A handler that throws does not lose the event silently: it gets it again (bounded), then
// the event is given up and counted — over core NATS (retried in-process) and JetStream
// (naked with a delay, terminated at the end).
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/service/service.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::quiet_options;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

struct Attempts {
    std::mutex mutex;
    std::map<std::string, std::vector<int>> seen;  // event type -> attempts
    std::vector<std::string> transports;
};

// Fails every "poison" event; fails "flaky" events twice, then succeeds.
EventHandlerEx flaky_handler(Attempts& a) {
    return [&a](const wire::Event& e, const EventDelivery& d) {
        {
            std::lock_guard lock(a.mutex);
            a.seen[e.event_type].push_back(d.attempt);
            a.transports.push_back(d.transport);
        }
        if (e.event_type == "poison") throw std::runtime_error("cannot handle poison");
        if (e.event_type == "flaky" && d.attempt < 3) throw std::runtime_error("not yet");
    };
}

bool wait_until(const std::function<bool()>& f, std::chrono::milliseconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

}  // namespace

TEST_CASE("events: a failing handler is retried with bounded attempts, then the event dropped") {
    bool durable = GENERATE(false, true);  // core NATS (in-process retry) / JetStream (nak)
    INFO((durable ? "jetstream" : "core"));
    test::NatsServer server;
    Attempts a;
    std::string name = durable ? "evf-js" : "evf-core";
    Service svc(server.connect("s"), quiet_options(name, name + "-1"));
    SubscribeOptions so;
    so.max_attempts = 4;
    so.retry_delay = 20ms;
    so.durable = durable;
    svc.subscribe("events.task.*", EventMode::compete, flaky_handler(a), so);
    svc.start();
    EventPublisher pub(server.connect("pub"));
    pub.publish("task", "flaky", {});
    pub.publish("task", "poison", {});
    pub.publish("task", "fine", {});
    auto stats = [&] { return svc.event_stats().at(0); };
    REQUIRE(wait_until([&] { return stats().processed == 2 && stats().dropped == 1; }, 10s));
    std::this_thread::sleep_for(600ms);  // nothing more arrives after the give-up
    std::lock_guard lock(a.mutex);
    CHECK(a.seen["flaky"] == std::vector<int>{1, 2, 3});
    CHECK(a.seen["poison"] == std::vector<int>{1, 2, 3, 4});
    CHECK(a.seen["fine"] == std::vector<int>{1});
    CHECK(stats().failed_attempts == 6);
    CHECK(a.transports.front() == (durable ? "jetstream" : "core"));
    if (durable) {
        auto info = nats::consumer_info(*server.connect("c"), "EVENTS", "evf-js-events-task-star");
        REQUIRE(info);
        CHECK(info->num_ack_pending == 0);  // the poison event was terminated, not left pending
    }
}

TEST_CASE("events: undecodable messages are dropped and the subscriber keeps going") {
    test::NatsServer server;
    std::atomic<int> ok{0};
    Service svc(server.connect("s"), quiet_options("evbad", "evbad-1"));
    svc.subscribe("events.x.*", EventMode::broadcast, [&ok](const wire::Event&) { ++ok; });
    svc.start();
    auto conn = server.connect("raw");
    for (std::string garbage : {std::string("\xc1"), std::string("{\"domain\":"),
                                std::string("{\"domain\":\"\",\"event_type\":\"y\"}"),
                                std::string("hello")})
        conn->publish("events.x.y", garbage);
    EventPublisher pub(conn);
    pub.publish("x", "y", {{"fine", true}});
    REQUIRE(wait_until([&] { return ok == 1; }, 5s));
    CHECK(svc.event_stats().at(0).dropped == 4);
}

// An empty message in the stream is no event: terminated and counted as dropped once, not left
// unacknowledged to be redelivered up to max_deliver without a word.
TEST_CASE("events: an empty stored message is terminated and counted once") {
    test::NatsServer server;
    std::atomic<int> ok{0};
    Service svc(server.connect("s"), quiet_options("evblank", "evblank-1"));
    SubscribeOptions so;
    so.durable = true;
    so.max_attempts = 3;
    so.retry_delay = 20ms;
    svc.subscribe("events.blank.*", EventMode::compete, [&ok](const wire::Event&) { ++ok; }, so);
    svc.start();
    auto conn = server.connect("raw");
    EventPublisher pub(conn);
    pub.publish("blank", "before", {});
    conn->publish("events.blank.empty", "");
    conn->flush();
    pub.publish("blank", "after", {});
    auto stats = [&] { return svc.event_stats().at(0); };
    REQUIRE(wait_until([&] { return ok == 2 && stats().dropped == 1; }, 10s));
    std::this_thread::sleep_for(600ms);
    CHECK(stats().dropped == 1);
    auto info = nats::consumer_info(*server.connect("c"), "EVENTS", "evblank-events-blank-star");
    REQUIRE(info);
    CHECK(info->num_ack_pending == 0);
    CHECK(info->num_redelivered == 0);
}
