// The metrics, health and management demos, driven as a user would: what they write into the
// registry is checked by reading the registry itself.
#include <catch2/catch.hpp>

#include <csignal>
#include <functional>
#include <sstream>
#include <thread>

#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/service/metrics.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;

using namespace aegis;
using namespace std::chrono_literals;
using test::Background;
using test::run_aegis;

namespace {

}  // namespace

TEST_CASE("metrics demo: the metrics metadata appears in the registry value and parses") {
    test::NatsServer server;
    Background demo({"demo", "metrics", "--interval", "0.3", "--instance-id",
                     "metrics-collector-t1", "--server", server.url()});
    REQUIRE(demo.wait_for_output("started"));
    auto conn = server.connect("check");
    Client client(conn);
    auto started = client.call("metrics-collector", "simulate_load",
                               {{"duration", 0.5}, {"intensity", "high"}});
    CHECK(started["started"] == true);
    registry::Registry reg(conn);
    Json md;
    REQUIRE(eventually([&] {
        auto l = reg.get("metrics-collector", "metrics-collector-t1");
        if (!l) return false;
        md = l->instance.metadata;
        return service::read_metrics(md).requests_total >= 50;
    }));
    auto m = service::read_metrics(md);
    CHECK(m.present);
    CHECK(m.average_latency_ms > 0);
    CHECK(m.p99_latency_ms >= m.p95_latency_ms);
    CHECK(m.health_score >= 0);
    CHECK(m.health_score <= 100);
    CHECK(std::string("A+ A B C D").find(m.performance_grade) != std::string::npos);
    for (const char* k : {"requests_total", "requests_per_second", "average_latency_ms",
                          "p95_latency_ms", "p99_latency_ms", "errors_total", "error_rate",
                          "last_error_time", "memory_usage_mb", "cpu_usage_percent",
                          "active_connections", "business_value", "uptime_seconds",
                          "last_updated"})
        CHECK(md["metrics"].contains(k));
    // The raw value is still a Python-readable registry entry (exactly the seven keys).
    auto raw = reg.bucket().get("service-instances__metrics-collector__metrics-collector-t1");
    REQUIRE(raw);
    auto value = wire::from_json(raw->value);
    CHECK(value.size() == 7);
    CHECK(value["metadata"]["performance_grade"].is_string());

    auto reader = run_aegis({"demo", "metrics-reader", "--json", "--server", server.url()});
    REQUIRE(reader.exit_code == 0);
    auto agg = wire::from_json(reader.out);
    REQUIRE(agg["services"].size() == 1);
    CHECK(agg["services"][0]["service"] == "metrics-collector");
    CHECK(agg["services"][0]["requests_total"].get<double>() >= 50);
    auto reset = client.call("metrics-collector", "reset_metrics", Json::object());
    CHECK(reset["reset"] == true);
}

TEST_CASE("health demo: set_health flips the registry status, health-monitor flags it") {
    test::NatsServer server;
    Background demo({"demo", "health", "--interval", "0.2", "--instance-id", "health-reporter-t1",
                     "--server", server.url()});
    REQUIRE(demo.wait_for_output("started"));
    auto conn = server.connect("check");
    registry::Registry reg(conn);
    auto status = [&] {
        auto l = reg.get("health-reporter", "health-reporter-t1");
        return l ? l->instance.status : std::string("missing");
    };
    REQUIRE(eventually([&] { return status() == "ACTIVE"; }));
    Client client(conn);
    client.call("health-reporter", "set_health", {{"healthy", false}, {"reason", "db down"}});
    REQUIRE(eventually([&] { return status() == "UNHEALTHY"; }));
    auto md = reg.get("health-reporter", "health-reporter-t1")->instance.metadata;
    CHECK(md["health"]["failing"] == Json::array({"dependency"}));
    CHECK(md["health"]["checks"]["dependency"]["detail"] == "db down");
    CHECK(demo.wait_for_output("status ACTIVE → UNHEALTHY"));

    auto once = run_aegis({"demo", "health-monitor", "--once", "--json", "--server", server.url()});
    CHECK(once.exit_code == 1);
    CHECK(once.out.find("\"state\":\"unhealthy\"") != std::string::npos);
    auto inspector = run_aegis({"demo", "inspector", "--json", "--server", server.url()});
    REQUIRE(inspector.exit_code == 0);
    auto listed = wire::from_json(inspector.out);
    CHECK(listed["summary"]["unhealthy"] == 1);
    CHECK(listed["instances"][0]["instanceId"] == "health-reporter-t1");

    client.call("health-reporter", "set_health", {{"healthy", true}});
    REQUIRE(eventually([&] { return status() == "ACTIVE"; }));
    CHECK(client.call("health-reporter", "health", Json::object())["status"] == "ACTIVE");
}

TEST_CASE("health-monitor flags missed heartbeats of an instance that died") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--instance-id", "echo-service-hm1", "--heartbeat", "1",
                     "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    Background monitor({"demo", "health-monitor", "--interval", "0.2", "--heartbeat-interval", "1",
                        "--grace", "0.5", "--server", server.url()});
    REQUIRE(monitor.wait_for_output("echo-service-hm1"));
    CHECK(monitor.wait_for_output("✅ healthy"));
    echo.stop(SIGKILL);  // no deregistration: the entry stays and stops beating
    CHECK(monitor.wait_for_output("missed 1 heartbeat(s)", 10s));
    CHECK(monitor.wait_for_output("missed 2 heartbeat(s)", 10s));
}

TEST_CASE("metrics demos: patterns shows the service and the external client side by side") {
    test::NatsServer server;
    auto r = run_aegis({"demo", "patterns", "--rounds", "2", "--interval", "0.1", "--server",
                        server.url()});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("SERVICE  (calculator-service)") != std::string::npos);
    CHECK(r.out.find("EXTERNAL CLIENT") != std::string::npos);
    CHECK(r.out.find("🧮 add(") != std::string::npos);
    CHECK(r.out.find("📞 multiply(") != std::string::npos);
    CHECK(r.out.find("registry lists 1 instance(s)") != std::string::npos);
    // The client never registered: only the calculator was ever in the registry, and it left.
    registry::Registry reg(server.connect("check"));
    CHECK(reg.list({.include_stale = true}).empty());
}

TEST_CASE("demo: instances started side by side log distinct numbers (their process ids)") {
    test::NatsServer server;
    Background a({"demo", "echo", "--server", server.url()});
    Background b({"demo", "echo", "--server", server.url()});
    REQUIRE(a.wait_for_output("started", 10s));
    REQUIRE(b.wait_for_output("started", 10s));
    CHECK(a.output().find("instance #" + std::to_string(a.pid()) + " started") !=
          std::string::npos);
    CHECK(b.output().find("instance #" + std::to_string(b.pid()) + " started") !=
          std::string::npos);
    CHECK(a.output().find("instance #1 ") == std::string::npos);
    // Given explicitly, the number is kept.
    Background c({"demo", "echo", "--instance", "7", "--server", server.url()});
    REQUIRE(c.wait_for_output("started", 10s));
    CHECK(c.output().find("instance #7 started") != std::string::npos);
}

TEST_CASE("demo patterns --json prints NDJSON: both sides, the calls and their results") {
    test::NatsServer server;
    auto r = run_aegis({"demo", "patterns", "--rounds", "1", "--interval", "0.05", "--json",
                        "--server", server.url()});
    REQUIRE(r.exit_code == 0);
    auto lines = test::ndjson(r.out);
    REQUIRE(lines.size() >= 6);
    bool service = false, add = false;
    for (const auto& l : lines) {
        CHECK(l.contains("time"));
        if (l["side"] == "service") service = true;
        if (l["side"] == "client" && l.value("method", "") == "add")
            add = l["result"] == l["a"].get<double>() + l["b"].get<double>();
    }
    CHECK(service);
    CHECK(add);
}

TEST_CASE("log lines end without a stray colour reset unless they were coloured") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--color", "always", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    echo.stop();
    std::istringstream in(echo.output());
    int checked = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.find(" INFO ") == std::string::npos) continue;
        ++checked;
        INFO(line);
        CHECK(line.find("\033[0m") == std::string::npos);
    }
    CHECK(checked > 0);
}

TEST_CASE("health-monitor judges each instance by the heartbeat interval it declared") {
    test::NatsServer server;
    Background fast({"demo", "echo", "--heartbeat", "1", "--instance-id", "echo-service-fast",
                     "--server", server.url()});
    REQUIRE(fast.wait_for_output("started"));
    fast.stop(SIGKILL);  // its registry entry stays, its heartbeats stop
    std::this_thread::sleep_for(4500ms);  // > grace (2 s) + 2 declared intervals
    auto r = run_aegis({"demo", "health-monitor", "echo-service", "--once", "--json", "--server",
                        server.url()});
    CHECK(r.exit_code == 1);
    auto lines = test::ndjson(r.out);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["state"] == "late");  // with the default 10 s it would still look fine
    CHECK(lines[0]["missed_heartbeats"].get<int>() >= 2);
}

TEST_CASE("demo --heartbeat takes seconds like every duration option: 0.5 is declared as 500 ms") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--heartbeat", "0.5", "--instance-id", "echo-service-hb1",
                     "--server", server.url()});
    Background single({"demo", "echo-single", "--heartbeat", "1500ms", "--instance-id",
                       "echo-single-service-hb2", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    REQUIRE(single.wait_for_output("started"));
    auto conn = server.connect("check");
    registry::Registry reg(conn);
    auto declared = [&](const std::string& service, const std::string& id) {
        Json md;
        eventually([&] {
            auto l = reg.get(service, id);
            if (l) md = l->instance.metadata;
            return l.has_value();
        });
        return md.value("heartbeat_interval_ms", Json()).dump();
    };
    CHECK(declared("echo-service", "echo-service-hb1") == "500");
    CHECK(declared("echo-single-service", "echo-single-service-hb2") == "1500");
}
