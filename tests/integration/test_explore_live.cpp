// The system view against a real server: registry entries written byte for byte in the Python
// layout (vectors G10/G11/G14), leader values in the G15 layout, live aegis Services.
#include <catch2/catch.hpp>

#include <thread>

#include "core/tool/change_watch.hpp"
#include "core/client/client.hpp"
#include "core/tool/monitor.hpp"
#include "core/tool/system_view.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/registry/registry.hpp"
#include "core/service/service.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace aegis::client;
using namespace aegis::tool;
using namespace std::chrono_literals;

namespace {

}  // namespace

TEST_CASE("explore: Python-format entries, a stale one, a ghost and live services are told apart") {
    test::NatsServer server;
    auto conn = server.connect("explore");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "explore-echo", "explore-echo-py000001", now);         // G10
    test::put_python_instance(conn, "explore-echo", "explore-echo-gh0st001", now, true);    // ghost
    auto a = test::live_service(server, "explore-echo", "explore-echo-live0001");
    ServiceOptions stray;
    stray.name = "explore-echo";
    stray.instance_id = "explore-echo-stray001";
    stray.register_instance = false;
    Service unregistered(server.connect("stray"), stray);
    unregistered.rpc("echo", [](const Json& p) { return p; });
    unregistered.start();
    // After the live instances started: a starting service prunes its own dead entries.
    test::put_python_instance(conn, "explore-echo", "explore-echo-0ld0ld00", now - 10min);  // G11

    SystemView view(conn);
    SnapshotOptions patient;  // a loaded CI machine may answer slowly: no false ghosts
    patient.srv_window = 1000ms;
    auto snap = view.snapshot(patient);
    const auto* svc = snap.find("explore-echo");
    REQUIRE(svc);
    CHECK(svc->methods == std::vector<std::string>{"echo", "status"});
    CHECK(snap.find("explore-echo", "explore-echo-live0001")->state == InstanceState::healthy);
    CHECK(snap.find("explore-echo", "explore-echo-live0001")->rtt_ms.has_value());
    CHECK(snap.find("explore-echo", "explore-echo-py000001")->state == InstanceState::unverified);
    CHECK(snap.find("explore-echo", "explore-echo-gh0st001")->state == InstanceState::ghost);
    CHECK(snap.find("explore-echo", "explore-echo-stray001")->state ==
          InstanceState::unregistered);
    CHECK(snap.find("explore-echo", "explore-echo-0ld0ld00") == nullptr);  // stale: hidden
    CHECK(snap.stale_hidden == 1);
    CHECK(snap.flagged(FlagKind::stale, "explore-echo-0ld0ld00"));
    CHECK(snap.flagged(FlagKind::ghost, "explore-echo-gh0st001"));
    CHECK(snap.flagged(FlagKind::unregistered, "explore-echo-stray001"));

    SnapshotOptions all = patient;
    all.include_stale = true;
    all.service = "explore-echo";
    auto with_stale = view.snapshot(all);
    REQUIRE(with_stale.find("explore-echo", "explore-echo-0ld0ld00"));
    CHECK(with_stale.find("explore-echo", "explore-echo-0ld0ld00")->entry->age_seconds > 500);
}

TEST_CASE("explore: leaders come straight from the election bucket") {
    test::NatsServer server;
    auto conn = server.connect("explore");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "explore-orders", "explore-orders-a", now, false, "default");
    test::put_python_instance(conn, "explore-orders", "explore-orders-b", now, false, "default");
    test::put_python_instance(conn, "explore-orders", "explore-orders-c", now, false, "east");
    test::put_leader(conn, "explore-orders", "default", "explore-orders-b", now - 30s, now - 200ms);
    test::put_leader(conn, "explore-orders", "east", "explore-orders-c", now - 60s, now - 20s);
    CHECK(nats::kv_bucket_names(*conn, "election_") ==
          std::vector<std::string>{"election_explore_orders"});

    SystemView view(conn);
    auto snap = view.snapshot();
    const auto* s = snap.find("explore-orders");
    REQUIRE(s);
    CHECK(s->single_active);
    REQUIRE(s->groups.size() == 2);
    CHECK(s->groups[0].group == "default");
    REQUIRE(s->groups[0].leader);
    CHECK(s->groups[0].leader->instance_id == "explore-orders-b");
    CHECK(s->groups[0].leader->lease_age_s(snap.taken_at) < 5);
    CHECK_FALSE(s->groups[0].lease_expired);
    CHECK(s->groups[1].lease_expired);  // renewed 20 s ago
    CHECK(snap.find("explore-orders", "explore-orders-b")->role == "leader");
    CHECK(snap.find("explore-orders", "explore-orders-a")->role == "standby");
    CHECK(snap.flagged(FlagKind::no_leader, "east"));
    CHECK_FALSE(snap.flagged(FlagKind::no_leader, "default"));
}

TEST_CASE("explore: the change watch ignores heartbeats and wakes on joins and leader changes") {
    test::NatsServer server;
    auto conn = server.connect("watch");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "explore-w", "explore-w-1", now, false, {}, now);
    test::put_leader(conn, "explore-w", "default", "explore-w-1", now, now);
    ChangeWatch watch(conn);
    while (watch.wait(400ms)) {
    }  // the initial replay counts as a change
    // A heartbeat: only lastHeartbeat changes.
    test::put_python_instance(conn, "explore-w", "explore-w-1", now + 1s, false, {}, now);
    CHECK_FALSE(watch.wait(600ms));
    test::put_python_instance(conn, "explore-w", "explore-w-2", now + 1s);
    CHECK(watch.wait(3s));
    test::put_leader(conn, "explore-w", "default", "explore-w-1", now, now + 1s);  // a renewal
    CHECK_FALSE(watch.wait(600ms));
    test::put_leader(conn, "explore-w", "default", "explore-w-2", now + 2s, now + 2s);
    CHECK(watch.wait(3s));
}

TEST_CASE("monitor: ticks report rates, joins, departures and leader changes") {
    test::NatsServer server;
    auto conn = server.connect("monitor");
    auto svc = test::live_service(server, "monitor-live", "monitor-live-1");
    auto now = std::chrono::system_clock::now();
    test::put_leader(conn, "monitor-live", "default", "monitor-live-1", now, now);
    MonitorOptions mo;
    mo.stats_window = 500ms;  // ends early anyway once the registered instances answered
    Monitor monitor(conn, mo);
    auto client_conn = server.connect("caller");
    Client caller(client_conn);
    auto first = monitor.tick();
    REQUIRE(first.services.size() == 1);
    for (int i = 0; i < 20; ++i) caller.call("monitor-live", "echo", {{"n", i}});
    std::this_thread::sleep_for(300ms);
    auto second = monitor.tick();
    REQUIRE(second.services.size() == 1);
    REQUIRE(second.services[0].instances.size() == 1);
    const auto& inst = second.services[0].instances[0];
    CHECK(inst.total.has_rate);
    CHECK(inst.total.observed_requests == 20);
    CHECK(inst.total.requests_per_s > 0);

    auto other = test::live_service(server, "monitor-live", "monitor-live-2");
    test::put_leader(conn, "monitor-live", "default", "monitor-live-2", now + 1s, now + 1s);
    client_conn->publish("events.monitor.test", "{}");
    std::this_thread::sleep_for(300ms);
    auto third = monitor.tick();
    other->stop();
    // The departure shows at the first tick after the registry watch saw the delete (a loaded
    // machine may need more than one).
    std::string all;
    auto fourth = third;
    for (int i = 0; i < 20 && all.find("left monitor-live/monitor-live-2") == std::string::npos; ++i) {
        std::this_thread::sleep_for(300ms);
        fourth = monitor.tick();
        for (const auto& h : monitor.take_new()) all += h.kind + ": " + h.text + "\n";
    }
    INFO(all);
    CHECK(all.find("joined monitor-live/monitor-live-2") != std::string::npos);
    CHECK(all.find("leader changed monitor-live/default: monitor-live-1 → monitor-live-2") !=
          std::string::npos);
    CHECK(all.find("events seen events.monitor.test") != std::string::npos);
    CHECK(all.find("left monitor-live/monitor-live-2") != std::string::npos);
    REQUIRE(fourth.services.size() == 1);
    REQUIRE(fourth.services[0].groups.size() == 1);
    CHECK(fourth.services[0].groups[0].leader_changes == 1);
    auto summary = monitor.summary();
    CHECK(summary["events"]["seen"] == 1);
    CHECK(summary["services"][0]["requests"] == 20);
}
