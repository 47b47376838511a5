// Leader failure as real processes meet it: a SIGKILLed leader is replaced long before its
// lease runs out (its connection is gone, the standbys' probe sees "no responders"), and a
// SIGSTOPped leader loses the exclusive calls to its successor and, resumed, runs none of the
// calls it received while frozen (fenced).
#include <catch2/catch.hpp>

#include <signal.h>

#include <map>
#include <thread>

#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::eventually;
using aegis::test::lease_holder;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// `n` echo-single processes, ids <service>-f0, -f1, ...; the first one leads.
struct DetectFleet {
    std::string service;
    std::map<std::string, std::unique_ptr<test::Background>> procs;
    DetectFleet(const test::NatsServer& server, std::string svc, const std::string& policy, int n)
        : service(std::move(svc)) {
        for (int i = 0; i < n; ++i) {
            std::string id = service + "-f" + std::to_string(i);
            procs[id] = std::make_unique<test::Background>(std::vector<std::string>{
                "demo", "echo-single", "--server", server.url(), "--service", service,
                "--instance-id", id, "--instance", std::to_string(i + 1), "--policy", policy});
            REQUIRE(procs[id]->wait_for_output(i == 0 ? "is ACTIVE" : "is STANDBY", 15s));
        }
    }
};

StickyClient no_timeout_retry_client(const test::NatsServer& server) {
    RetryPolicy p;  // retries "no responders", never a timeout: a timed-out call counts
    p.attempts = 10;
    p.initial_delay = 20ms;
    p.max_delay = 200ms;
    p.retry_timeouts = false;
    return StickyClient(server.connect("detect-client"), p);
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("failover: a SIGKILLed leader is replaced well before its 3 s lease runs out") {
    test::NatsServer server;
    auto conn = server.connect("observer");
    DetectFleet fleet(server, "detect-kill", "conservative", 2);
    REQUIRE(lease_holder(conn, fleet.service) == "detect-kill-f0");
    auto killed = Clock::now();
    fleet.procs["detect-kill-f0"]->stop(SIGKILL);
    REQUIRE(eventually([&] { return lease_holder(conn, fleet.service) == "detect-kill-f1"; }, 10s,
                       5ms));
    auto took = Clock::now() - killed;
    INFO("takeover after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms");
    CHECK(took < 1s);  // the lease alone would take 3 s
    auto client = no_timeout_retry_client(server);
    CallOptions o;
    o.timeout = 1000ms;
    Json r = client.call(fleet.service, "echo", {{"message", "after-kill"}}, o);
    CHECK(r["instance_id"] == "detect-kill-f1");
    CHECK(fleet.procs["detect-kill-f1"]->wait_for_output("has no connection", 2s));
}

TEST_CASE("failover: a frozen leader loses the exclusive calls and, resumed, runs none of them") {
    test::NatsServer server;
    auto conn = server.connect("observer");
    DetectFleet fleet(server, "detect-frozen", "balanced", 2);
    auto& old = *fleet.procs["detect-frozen-f0"];
    auto& next = *fleet.procs["detect-frozen-f1"];
    REQUIRE(::kill(old.pid(), SIGSTOP) == 0);
    auto frozen = Clock::now();
    // Its connection stays open, so only the 800 ms lease can tell: no early takeover.
    REQUIRE(eventually([&] { return lease_holder(conn, fleet.service) == "detect-frozen-f1"; },
                       10s, 5ms));
    CHECK(Clock::now() - frozen > 500ms);
    auto client = no_timeout_retry_client(server);
    CallOptions o;
    o.timeout = 1000ms;
    int answered = 0;
    for (int i = 0; i < 6; ++i) {
        auto t0 = Clock::now();
        try {
            Json r = client.call(fleet.service, "echo", {{"message", "frozen-" + std::to_string(i)}},
                                 o);
            CHECK(r["instance_id"] == "detect-frozen-f1");
            CHECK(Clock::now() - t0 < 500ms);
            ++answered;
        } catch (const std::exception& e) {
            FAIL_CHECK("call " << i << " while the old leader is frozen: " << e.what());
        }
    }
    CHECK(answered == 6);
    std::this_thread::sleep_for(3s);  // frozen for ~5 s in all
    REQUIRE(::kill(old.pid(), SIGCONT) == 0);
    CHECK(old.wait_for_output("is STANDBY", 5s));
    std::this_thread::sleep_for(300ms);  // time to (not) run what it had received
    CHECK(count(old.output(), "served echo request") == 0);
    CHECK(count(next.output(), "served echo request") == 6);
    Json r = client.call(fleet.service, "echo", {{"message", "after"}}, o);
    CHECK(r["instance_id"] == "detect-frozen-f1");
}
