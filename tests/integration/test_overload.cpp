// A service under overload and on stop, against a real nats-server: bounded lanes answer
// OVERLOADED at once, a request whose caller gave up never runs, a slow method does not hold
// up a fast one, and a stop answers the queue SHUTTING_DOWN and waits only its grace period.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include "core/client/client.hpp"
#include "core/client/srv_client.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/rpc_errors.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// A gate the slow handler waits at; shared so a handler left running after a stop (past its
// grace period) still finds it when the test is over.
struct Gate {
    std::mutex mutex;
    std::condition_variable cv;
    bool open = false;
    std::atomic<int> entered{0};
    std::atomic<int> ran{0};
    void wait() {
        ++entered;
        std::unique_lock lk(mutex);
        cv.wait_for(lk, 20s, [this] { return open; });
        ++ran;
    }
    void release() {
        {
            std::lock_guard lk(mutex);
            open = true;
        }
        cv.notify_all();
    }
    void wait_entered(int n) {
        auto until = Clock::now() + 10s;
        while (entered.load() < n && Clock::now() < until) std::this_thread::sleep_for(5ms);
        REQUIRE(entered.load() >= n);
    }
};

std::unique_ptr<Service> gated_service(const test::NatsServer& server, const std::string& name,
                                       std::shared_ptr<Gate> gate, ServiceOptions o) {
    o.name = name;
    o.instance_id = name + "-1";
    auto svc = std::make_unique<Service>(server.connect(o.instance_id), o);
    svc->rpc("slow", [gate](const Json&) {
        gate->wait();
        return Json{{"done", true}};
    });
    svc->rpc("fast", [](const Json& p) { return p; });
    return svc;
}

CallResult call_async_result(std::future<CallResult>& f) {
    REQUIRE(f.wait_for(10s) == std::future_status::ready);
    return f.get();
}

std::future<CallResult> call_later(const Client& client, const std::string& service,
                                   const std::string& method, std::chrono::milliseconds timeout) {
    return std::async(std::launch::async, [&client, service, method, timeout] {
        CallOptions o;
        o.timeout = timeout;
        return client.call_raw(service, method, Json::object(), o);
    });
}

Json endpoint_data(const std::shared_ptr<nats::Connection>& conn, const std::string& service,
                   const std::string& method) {
    auto reply = conn->request("$SRV.STATS." + service, "", 2000ms);
    Json body = wire::from_json(std::string(reply.data()));
    for (const auto& ep : body["endpoints"])
        if (ep["name"] == method) return ep["data"];
    return Json();
}

// Polls $SRV.STATS until `n` requests of `method` wait in its queue (a loaded machine may take
// a while to deliver them; a fixed sleep would be a guess).
void wait_queued(const test::NatsServer& server, const std::string& service,
                 const std::string& method, int n) {
    auto conn = server.connect("poll");
    auto until = Clock::now() + 10s;
    while (Clock::now() < until) {
        if (endpoint_data(conn, service, method).value("queued", -1) >= n) return;
        std::this_thread::sleep_for(20ms);
    }
    FAIL("fewer than " << n << " requests queued for '" << method << "'");
}

}  // namespace

TEST_CASE("a full method answers OVERLOADED at once and queues nothing more") {
    test::NatsServer server;
    auto gate = std::make_shared<Gate>();
    ServiceOptions o;
    o.workers = 1;
    o.max_pending = 2;
    auto svc = gated_service(server, "ovl-a", gate, o);
    svc->start();
    Client client(server.connect("client"));
    auto running = call_later(client, "ovl-a", "slow", 10000ms);
    gate->wait_entered(1);
    auto q1 = call_later(client, "ovl-a", "slow", 10000ms);
    auto q2 = call_later(client, "ovl-a", "slow", 10000ms);
    wait_queued(server, "ovl-a", "slow", 2);  // both wait behind the running one
    // The lane is full: further calls are answered at once, long before their 10 s timeout.
    for (int i = 0; i < 5; ++i) {
        auto t0 = Clock::now();
        CallOptions co;
        co.timeout = 10000ms;
        auto r = client.call_raw("ovl-a", "slow", Json::object(), co);
        CHECK(Clock::now() - t0 < 3s);
        CHECK_FALSE(r.response.success);
        REQUIRE(r.response.error);
        CHECK(wire::is_overloaded(*r.response.error));
        CHECK(r.response.header.correlation_id == r.message_id);
    }
    auto conn = server.connect("observer");
    Json data = endpoint_data(conn, "ovl-a", "slow");
    CHECK(data["queued"] == 2);
    CHECK(data["in_flight"] == 1);
    CHECK(data["shed"] == 5);
    CHECK(data["max_pending"] == 2);
    // Health says so: $SRV metadata load=overloaded while shedding.
    auto ping = conn->request("$SRV.PING.ovl-a", "", 2000ms);
    Json md = wire::from_json(std::string(ping.data()))["metadata"];
    CHECK(md["load"] == "overloaded");
    CHECK(md["shed"] == "5");
    gate->release();
    CHECK(call_async_result(running).response.success);
    CHECK(call_async_result(q1).response.success);
    CHECK(call_async_result(q2).response.success);
    CHECK(gate->ran.load() == 3);
}

TEST_CASE("a request whose caller gave up before it started is not run") {
    test::NatsServer server;
    auto gate = std::make_shared<Gate>();
    ServiceOptions o;
    o.workers = 1;
    auto svc = gated_service(server, "ovl-b", gate, o);
    svc->start();
    Client client(server.connect("client"));
    auto running = call_later(client, "ovl-b", "slow", 10000ms);
    gate->wait_entered(1);
    // Queued behind the running call; its caller gives up after 300 ms.
    CallOptions co;
    co.timeout = 300ms;
    CHECK_THROWS_AS(client.call_raw("ovl-b", "slow", Json::object(), co), TimeoutError);
    // The service counts the 300 ms from when the request arrived, a moment after it was sent.
    std::this_thread::sleep_for(500ms);
    gate->release();
    CHECK(call_async_result(running).response.success);
    std::this_thread::sleep_for(500ms);  // the lane has popped the expired request by now
    CHECK(gate->entered.load() == 1);    // the impatient call never ran
    Json data = endpoint_data(server.connect("observer"), "ovl-b", "slow");
    CHECK(data["expired"] == 1);
}

TEST_CASE("a slow method does not hold up a fast one") {
    test::NatsServer server;
    auto gate = std::make_shared<Gate>();
    ServiceOptions o;
    o.workers = 2;
    auto svc = gated_service(server, "ovl-c", gate, o);
    svc->start();
    Client client(server.connect("client"));
    auto s1 = call_later(client, "ovl-c", "slow", 10000ms);
    auto s2 = call_later(client, "ovl-c", "slow", 10000ms);
    auto s3 = call_later(client, "ovl-c", "slow", 10000ms);
    gate->wait_entered(2);  // every thread the slow method may use is busy
    CallOptions co;
    co.timeout = 3000ms;
    for (int i = 0; i < 20; ++i)
        CHECK(client.call_raw("ovl-c", "fast", {{"n", i}}, co).response.result["n"] == i);
    gate->release();
    for (auto* f : {&s1, &s2, &s3}) CHECK(call_async_result(*f).response.success);
}

TEST_CASE("stop answers queued requests SHUTTING_DOWN and waits only the grace period") {
    test::NatsServer server;
    auto gate = std::make_shared<Gate>();
    ServiceOptions o;
    o.workers = 1;
    o.stop_grace = 500ms;
    auto svc = gated_service(server, "ovl-d", gate, o);
    svc->start();
    Client client(server.connect("client"));
    auto running = call_later(client, "ovl-d", "slow", 15000ms);
    gate->wait_entered(1);
    auto q1 = call_later(client, "ovl-d", "slow", 15000ms);
    auto q2 = call_later(client, "ovl-d", "slow", 15000ms);
    wait_queued(server, "ovl-d", "slow", 2);
    auto t0 = Clock::now();
    svc->stop();
    // The handler still blocks at the gate: stop gave it its grace period, no more.
    CHECK(Clock::now() - t0 < 5s);
    CHECK(gate->ran.load() == 0);
    for (auto* f : {&q1, &q2}) {
        auto r = call_async_result(*f);
        CHECK_FALSE(r.response.success);
        REQUIRE(r.response.error);
        CHECK(wire::is_shutting_down(*r.response.error));
    }
    // Gone from $SRV (it deregisters right after): nothing answers for it any more.
    auto conn = server.connect("observer");
    CHECK_THROWS(conn->request("$SRV.PING.ovl-d", "", 500ms));
    // The sticky client reads SHUTTING_DOWN as retryable, not as the method's failure.
    Json refusal = {{"success", false}, {"error", "SHUTTING_DOWN: stopping"}};
    CHECK(classify_reply(refusal, RetryPolicy{}) == AttemptOutcome::shutting_down);
    gate->release();
    svc.reset();  // the abandoned handler keeps its state; the destructor must not wait for it
    (void)running.wait_for(5s);
}

TEST_CASE("a second signal cuts the stop's grace period short") {
    test::NatsServer server;
    util::install_stop_signals();
    auto gate = std::make_shared<Gate>();
    ServiceOptions o;
    o.stop_grace = 60s;
    auto svc = gated_service(server, "ovl-e", gate, o);
    svc->start();
    Client client(server.connect("client"));
    auto running = call_later(client, "ovl-e", "slow", 15000ms);
    gate->wait_entered(1);
    std::raise(SIGTERM);  // the first: what a runner sends to stop the service
    auto t0 = Clock::now();
    auto stopping = std::async(std::launch::async, [&] { svc->stop(); });
    std::this_thread::sleep_for(300ms);
    CHECK(stopping.wait_for(0ms) == std::future_status::timeout);  // in its grace period
    std::raise(SIGTERM);  // the second: stop now (the process survives it: the stop path exits)
    REQUIRE(stopping.wait_for(10s) == std::future_status::ready);
    CHECK(Clock::now() - t0 < 10s);
    CHECK(gate->ran.load() == 0);
    gate->release();
    svc.reset();
    (void)running.wait_for(5s);
    util::reset_stop();
}
