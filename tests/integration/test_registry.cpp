// The service registry: exact key and value shape (docs/protocol.md §6), heartbeats, staleness,
// deregistration, and the discovery cache fed by a KV watch.
#include <catch2/catch.hpp>

#include <regex>
#include <thread>

#include "core/nats/kv.hpp"
#include "core/registry/discovery.hpp"
#include "core/registry/registry.hpp"
#include "core/service/service.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<Service> make_service(const test::NatsServer& s, const std::string& name,
                                      const std::string& id, std::chrono::milliseconds hb = 10s) {
    ServiceOptions o;
    o.name = name;
    o.instance_id = id;
    o.heartbeat_interval = hb;
    auto svc = std::make_unique<Service>(s.connect(id), o);
    svc->rpc("ping", [](const Json&) { return Json("pong"); });
    return svc;
}

}  // namespace

TEST_CASE("registration writes the exact Python key and camelCase value") {
    test::NatsServer server;
    auto svc = make_service(server, "reg-echo", "reg-echo-3f2a9c1e");
    svc->start();
    auto kv = nats::KeyValue::open(server.connect("reader"), "service_registry");
    auto e = kv.get("service-instances__reg-echo__reg-echo-3f2a9c1e");
    REQUIRE(e.has_value());
    Json v = wire::from_json(e->value);
    std::vector<std::string> keys;
    for (auto& [k, _] : v.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"serviceName", "instanceId", "version", "status",
                                           "lastHeartbeat", "stickyActiveGroup", "metadata"});
    CHECK(v["serviceName"] == "reg-echo");
    CHECK(v["instanceId"] == "reg-echo-3f2a9c1e");
    CHECK(v["version"] == "1.0.0");
    CHECK(v["status"] == "ACTIVE");
    CHECK(v["stickyActiveGroup"].is_null());
    CHECK(std::regex_match(v["lastHeartbeat"].get<std::string>(),
                           std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$)")));
    CHECK(v["metadata"]["start_time"].is_string());
    CHECK(e->value.find(' ') == std::string::npos);  // compact, like Python's json.dumps
}

TEST_CASE("the SDK bucket settings are used when the registry bucket is created") {
    test::NatsServer server;
    auto svc = make_service(server, "reg-bucket", "reg-bucket-1");
    svc->start();
    auto st = nats::KeyValue::open(server.connect("reader"), "service_registry").status();
    CHECK(st.history == 10);
    CHECK(st.ttl.count() == 0);
}

TEST_CASE("an existing registry bucket is never reconfigured") {
    test::NatsServer server;
    auto conn = server.connect("admin");
    nats::BucketConfig helm;
    helm.name = "service_registry";
    helm.history = 5;
    helm.max_age = 30s;
    nats::KeyValue::open_or_create(conn, helm);
    auto svc = make_service(server, "reg-keep", "reg-keep-1");
    svc->start();
    auto st = nats::KeyValue::open(conn, "service_registry").status();
    CHECK(st.history == 5);
    CHECK(st.ttl == std::chrono::nanoseconds(30s));
}

TEST_CASE("heartbeats rewrite lastHeartbeat and a clean stop deletes the entry") {
    test::NatsServer server;
    auto svc = make_service(server, "reg-hb", "reg-hb-1", 200ms);
    svc->start();
    registry::Registry reg(server.connect("reader"));
    auto first = reg.get("reg-hb", "reg-hb-1");
    REQUIRE(first);
    CHECK(eventually([&] {
        auto now = reg.get("reg-hb", "reg-hb-1");
        return now && now->instance.last_heartbeat != first->instance.last_heartbeat;
    }));
    svc->set_metadata("build", "abc123");
    svc->heartbeat_now();
    CHECK(reg.get("reg-hb", "reg-hb-1")->instance.metadata["build"] == "abc123");
    svc->stop();
    CHECK_FALSE(reg.get("reg-hb", "reg-hb-1").has_value());
}

TEST_CASE("listing hides stale instances unless asked, and skips unreadable values") {
    test::NatsServer server;
    auto conn = server.connect("writer");
    registry::Registry reg(conn);
    registry::ServiceInstance fresh{"reg-list", "reg-list-fresh"};
    fresh.last_heartbeat = wire::iso_now();
    registry::ServiceInstance old{"reg-list", "reg-list-old"};
    old.last_heartbeat = wire::iso_timestamp(std::chrono::system_clock::now() - 60s);
    reg.put(fresh);
    reg.put(old);
    reg.bucket().put("service-instances__reg-list__broken", "not json");
    auto live = reg.list({"reg-list"});
    REQUIRE(live.size() == 1);
    CHECK(live[0].instance.instance_id == "reg-list-fresh");
    registry::ListOptions all{"reg-list", true};
    auto both = reg.list(all);
    REQUIRE(both.size() == 2);
    CHECK(both[1].stale);
    CHECK(both[1].age_seconds > 55);
    CHECK(reg.unreadable_count() == 1);
}

TEST_CASE("a Python-written registry value is read as it is") {
    test::NatsServer server;
    auto conn = server.connect("py");
    registry::Registry reg(conn);
    std::string py = R"({"serviceName":"echo-service","instanceId":"echo-service-3f2a9c1e",)"
                     R"("version":"1.0.0","status":"ACTIVE","lastHeartbeat":")" +
                     wire::python_isoformat(std::chrono::system_clock::now()) +
                     R"(","stickyActiveGroup":null,"metadata":{"start_time":"2025-08-07T10:15:30.123456+00:00"}})";
    reg.bucket().put("service-instances__echo-service__echo-service-3f2a9c1e", py);
    auto l = reg.list({"echo-service"});
    REQUIRE(l.size() == 1);
    CHECK(l[0].instance.metadata["start_time"] == "2025-08-07T10:15:30.123456+00:00");
    CHECK_FALSE(l[0].stale);
}

TEST_CASE("the discovery cache follows registrations and removals through the watch") {
    test::NatsServer server;
    registry::Registry reg(server.connect("cache"));
    registry::DiscoveryCache cache(reg);
    REQUIRE(cache.wait_ready());
    std::atomic<int> changes{0};
    cache.on_change([&](const registry::Change&) { ++changes; });
    auto a = make_service(server, "disc-svc", "disc-svc-a");
    auto b = make_service(server, "disc-svc", "disc-svc-b");
    a->start();
    b->start();
    CHECK(eventually([&] { return cache.list({"disc-svc"}).size() == 2; }));
    CHECK(cache.services() == std::vector<std::string>{"disc-svc"});
    a->stop();
    CHECK(eventually([&] { return cache.list({"disc-svc"}).size() == 1; }));
    CHECK(cache.list({"disc-svc"})[0].instance.instance_id == "disc-svc-b");
    CHECK(changes >= 3);
}
