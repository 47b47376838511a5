// Single-active services against a real nats-server: one leader, clean hand-over, crash
// takeover, racing standbys, exclusivity, and the sticky client's retries.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "core/client/client.hpp"
#include "core/client/leaders.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/service/lease.hpp"
#include "core/service/single_active.hpp"
#include "core/util/error.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/names.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;
using aegis::test::lease_holder;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

struct Node {
    std::unique_ptr<SingleActiveService> svc;
    std::shared_ptr<std::atomic<int>> executed = std::make_shared<std::atomic<int>>(0);
    std::string id;
};
using Nodes = std::vector<std::unique_ptr<Node>>;

// Short leases keep the tests fast (the presets are exercised by `aegis failover`).
std::unique_ptr<Node> make_node(const test::NatsServer& server, const std::string& service,
                                const std::string& id, FailoverPolicy policy = test::fast_policy(),
                                bool parity = false) {
    ServiceOptions o;
    o.name = service;
    o.instance_id = id;
    SingleActiveOptions sa;
    sa.policy = policy;
    sa.python_parity = parity;
    auto n = std::make_unique<Node>();
    n->id = id;
    n->svc = std::make_unique<SingleActiveService>(server.connect(id), o, sa);
    auto count = n->executed;
    n->svc->exclusive_rpc("whoami", [count, id](const Json&, const RpcContext& ctx) {
        ++*count;
        return Json{{"instance_id", id}, {"message_id", ctx.request.header.message_id}};
    });
    return n;
}

Nodes make_nodes(const test::NatsServer& server, const std::string& service, int n,
                 FailoverPolicy policy = test::fast_policy(), bool parity = false) {
    Nodes out;
    for (int i = 0; i < n; ++i)
        out.push_back(make_node(server, service, service + "-" + std::string(1, char('a' + i)),
                                policy, parity));
    return out;
}

int leader_count(const Nodes& nodes) {
    int n = 0;
    for (auto& x : nodes) n += x->svc->running() && x->svc->is_leader() ? 1 : 0;
    return n;
}

Node* the_leader(const Nodes& nodes) {
    for (auto& x : nodes)
        if (x->svc->running() && x->svc->is_leader()) return x.get();
    return nullptr;
}

// Collects events.sticky_active.* as "<type> <instance> <reason>".
struct StickyEvents {
    std::mutex mutex;
    std::vector<std::string> seen;
    nats::Subscription sub;
    explicit StickyEvents(nats::Connection& conn) {
        sub = conn.subscribe("events.sticky_active.*", [this](nats::Msg& m) {
            auto e = wire::decode_event(m.data());
            std::lock_guard lk(mutex);
            seen.push_back(e.event_type + " " + e.payload.value("instance_id", "") + " " +
                           e.payload.value("reason", ""));
        });
        conn.flush();
    }
    bool has(const std::string& prefix) {
        std::lock_guard lk(mutex);
        for (auto& s : seen)
            if (s.rfind(prefix, 0) == 0) return true;
        return false;
    }
};

}  // namespace

TEST_CASE("single-active: one leader among three instances, visible in KV, registry and $SRV") {
    test::NatsServer server;
    auto nodes = make_nodes(server, "sa-three", 3);
    for (auto& n : nodes) n->svc->start();
    REQUIRE(eventually([&] { return leader_count(nodes) == 1; }));
    Node* leader = the_leader(nodes);
    auto conn = server.connect("observer");
    CHECK(lease_holder(conn, "sa-three") == leader->id);
    for (auto& n : nodes) CHECK(eventually([&] { return n->svc->leader_id() == leader->id; }));
    registry::Registry reg(conn);
    for (auto& n : nodes) {
        bool lead = n.get() == leader;
        INFO(n->id);
        CHECK(eventually([&] {
            auto l = reg.get("sa-three", n->id);
            return l && l->instance.sticky_active_status == (lead ? "ACTIVE" : "STANDBY") &&
                   l->instance.metadata.value("is_leader", !lead) == lead;
        }));
        auto l = reg.get("sa-three", n->id);
        REQUIRE(l);
        CHECK(l->instance.sticky_active_group == std::optional<std::string>("default"));
        CHECK(l->instance.status == "ACTIVE");  // Python parity: health, not role
    }
    auto info = conn->request("$SRV.PING.sa-three." + leader->id, "", 2000ms);
    CHECK(wire::from_json(info.data())["metadata"]["sticky_active_status"] == "ACTIVE");
    Client client(conn);
    for (int i = 0; i < 20; ++i)
        CHECK(client.call("sa-three", "whoami", Json::object())["instance_id"] == leader->id);
    for (int i = 0; i < 20; ++i) {  // and it stays one leader
        CHECK(leader_count(nodes) == 1);
        std::this_thread::sleep_for(50ms);
    }
}

TEST_CASE("single-active: a clean stop hands leadership over at once, not after a lease") {
    test::NatsServer server;
    auto nodes = make_nodes(server, "sa-stop", 3, FailoverPolicy::conservative());  // lease 3 s
    for (auto& n : nodes) n->svc->start();
    REQUIRE(eventually([&] { return leader_count(nodes) == 1; }));
    auto conn = server.connect("observer");
    StickyEvents events(*conn);
    Node* old = the_leader(nodes);
    auto t0 = std::chrono::steady_clock::now();
    old->svc->stop();
    REQUIRE(eventually([&] { return leader_count(nodes) == 1; }));
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < 1500ms);  // a release, not a 3 s lease expiry
    Node* next = the_leader(nodes);
    CHECK(next != old);
    CHECK(eventually([&] { return lease_holder(conn, "sa-stop") == next->id; }));
    CHECK(eventually([&] { return events.has("LeaderLost " + old->id + " Leadership released"); }));
    CHECK(eventually([&] { return events.has("LeaderElected " + next->id); }));
    CHECK(Client(conn).call("sa-stop", "whoami", Json::object())["instance_id"] == next->id);
}

TEST_CASE("single-active: after SIGKILL of the leader a standby takes over within lease + margin") {
    // With the liveness probe a standby sees the dead connection at once; without it (probe
    // interval 0) the lease going stale is the detector.
    const bool probe = GENERATE(true, false);
    INFO("probe " << probe);
    test::NatsServer server;
    test::Background proc({"demo", "echo-single", "--server", server.url(), "--service", "sa-crash",
                           "--instance-id", "sa-crash-proc", "--policy", "aggressive"});
    auto conn = server.connect("observer");
    REQUIRE(eventually([&] { return lease_holder(conn, "sa-crash") == "sa-crash-proc"; }, 10s));
    auto policy = FailoverPolicy::aggressive();
    if (!probe) policy.probe_interval = 0ms;
    auto nodes = make_nodes(server, "sa-crash", 2, policy);
    for (auto& n : nodes) n->svc->start();
    for (auto& n : nodes)
        REQUIRE(eventually([&] { return n->svc->leader_id() == "sa-crash-proc"; }));
    CHECK(leader_count(nodes) == 0);
    StickyEvents events(*conn);
    auto t0 = std::chrono::steady_clock::now();
    proc.stop(9);
    REQUIRE(eventually([&] { return leader_count(nodes) == 1; }, 5s));
    auto took = std::chrono::steady_clock::now() - t0;
    if (probe) {
        CHECK(took < policy.lease);  // no waiting for the lease
        CHECK(eventually([&] { return events.has("LeaderLost sa-crash-proc Leader disconnected"); }));
    } else {
        CHECK(took >= 200ms);  // it had to notice the silence first…
        CHECK(took < policy.lease + 1500ms);  // …and did so promptly
        CHECK(eventually([&] { return events.has("LeaderLost sa-crash-proc Lease expired"); }));
    }
    for (int i = 0; i < 20; ++i) {
        CHECK(leader_count(nodes) == 1);
        std::this_thread::sleep_for(25ms);
    }
    CHECK(lease_holder(conn, "sa-crash") == the_leader(nodes)->id);
}

TEST_CASE("single-active: two standbys racing for a stale lease yield exactly one leader") {
    test::NatsServer server;
    auto conn = server.connect("setup");
    for (int round = 0; round < 3; ++round) {
        std::string service = "sa-race-" + std::to_string(round);
        nats::BucketConfig cfg;
        cfg.name = wire::election_bucket(service);
        auto kv = nats::KeyValue::open_or_create(conn, cfg);
        service::LeaderValue ghost{"ghost-1", 1.0, 1.0, Json::object()};  // crashed long ago
        kv.create(wire::leader_key(service, "default"), service::encode_leader_value(ghost));
        auto nodes = make_nodes(server, service, 2);
        std::thread other([&] { nodes[1]->svc->start(); });
        nodes[0]->svc->start();
        other.join();
        CHECK(leader_count(nodes) == 0);  // a held lease is never taken before it is stale
        REQUIRE(eventually([&] { return leader_count(nodes) == 1; }, 5s));
        for (int i = 0; i < 20; ++i) {
            CHECK(leader_count(nodes) == 1);
            std::this_thread::sleep_for(25ms);
        }
        CHECK(lease_holder(conn, service) == the_leader(nodes)->id);
    }
}

TEST_CASE("single-active: a standby never executes an exclusive method") {
    test::NatsServer server;
    SECTION("python parity: standbys answer the Python NOT_ACTIVE shape (G6)") {
        auto nodes = make_nodes(server, "sa-parity", 3, test::fast_policy(), true);
        for (auto& n : nodes) n->svc->start();
        REQUIRE(eventually([&] { return leader_count(nodes) == 1; }));
        Node* leader = the_leader(nodes);
        Client client(server.connect("client"));
        int led = 0, refused = 0;
        for (int i = 0; i < 60; ++i) {
            auto r = client.call_raw("sa-parity", "whoami", Json::object());
            REQUIRE(r.response.success);
            const Json& inner = r.response.result;
            if (inner["success"] == true) {
                ++led;
                CHECK(inner["result"]["instance_id"] == leader->id);  // G7 wrapper
                CHECK(r.instance == leader->id);
            } else {
                ++refused;
                CHECK(inner["error"] == "NOT_ACTIVE");
                CHECK(inner["message"] == "This instance is not active. Instance " + *r.instance +
                                              " is in STANDBY mode for group default.");
                CHECK(inner["result"].is_null());
                CHECK(r.instance != leader->id);
            }
        }
        CHECK(refused > 0);
        CHECK(leader->executed->load() == led);
        for (auto& n : nodes)
            if (n.get() != leader) CHECK(n->executed->load() == 0);
    }
    SECTION("default: only the leader subscribes, so every call reaches it") {
        auto nodes = make_nodes(server, "sa-only", 3);
        for (auto& n : nodes) n->svc->start();
        REQUIRE(eventually([&] { return leader_count(nodes) == 1; }));
        Node* leader = the_leader(nodes);
        Client client(server.connect("client"));
        for (int i = 0; i < 30; ++i)
            CHECK(client.call("sa-only", "whoami", Json::object())["instance_id"] == leader->id);
        CHECK(leader->executed->load() == 30);
        for (auto& n : nodes)
            if (n.get() != leader) CHECK(n->executed->load() == 0);
    }
}
