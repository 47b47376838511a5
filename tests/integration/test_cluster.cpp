// A real 3-node JetStream cluster on loopback (NatsCluster): buckets created with 3 replicas,
// one node killed during steady calls and during a failover — calls go on through the others,
// the registry and the election keep working, never more than one leader.
#include <catch2/catch.hpp>

#include <atomic>
#include <functional>
#include <iostream>
#include <thread>

#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/service/service.hpp"
#include "core/service/single_active.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using aegis::test::eventually;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// Index of the node a connection is attached to (by client port).
int node_of(test::NatsCluster& cluster, const nats::Connection& conn) {
    std::string url = conn.connected_url();
    for (int i = 0; i < cluster.size(); ++i)
        if (url.ends_with(":" + std::to_string(cluster.node(i).port()))) return i;
    return -1;
}

// Index of the node leading a stream's raft group (server names are n1..n3).
int stream_leader(test::NatsCluster& cluster, const std::string& stream) {
    try {
        auto conn = cluster.connect("placement");
        auto info = nats::stream_info(*conn, stream);
        if (!info || info->leader.size() < 2) return -1;
        int i = std::stoi(info->leader.substr(1)) - 1;
        return i >= 0 && i < cluster.size() ? i : -1;
    } catch (const std::exception&) {
        return -1;  // no leader to ask right now
    }
}

using Clock = std::chrono::steady_clock;

struct CallTally {
    std::atomic<int> ok{0}, failed{0}, ok_after_kill{0};
    std::atomic<bool> killed{false}, stop{false};
    Clock::time_point last_ok{};
    std::chrono::milliseconds max_gap{0};  // longest time without a successful call
};

// Sequential calls until stopped; every outcome counted.
void call_loop(const test::NatsCluster& cluster, const std::string& service,
               const std::string& method, CallTally& t) {
    Client client(cluster.connect("caller"));
    CallOptions co;
    co.timeout = 1s;
    while (!t.stop) {
        try {
            auto r = client.call_raw(service, method, Json::object(), co);
            if (!r.response.success) throw RemoteError(r.response.error.value_or("?"));
            auto now = Clock::now();
            if (t.ok > 0)
                t.max_gap = std::max(t.max_gap, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    now - t.last_ok));
            t.last_ok = now;
            ++t.ok;
            if (t.killed) ++t.ok_after_kill;
        } catch (const std::exception&) {
            ++t.failed;
            std::this_thread::sleep_for(20ms);
        }
    }
}

// Stops and joins a test's background thread however the test ends: a failed REQUIRE must not
// leave a joinable std::thread behind (std::terminate, and the failure's report lost with it).
struct Joiner {
    std::function<void()> stop;
    std::thread& thread;
    ~Joiner() {
        stop();
        if (thread.joinable()) thread.join();
    }
};

FailoverPolicy cluster_policy() {
    // Balanced timings: a lease renewal goes through a replicated write (~1 ms on loopback).
    return FailoverPolicy::balanced();
}

}  // namespace

TEST_CASE("on a 3-node cluster buckets get 3 replicas, calls and the registry survive a node") {
    test::NatsCluster cluster(3);
    ServiceOptions o;
    o.name = "cl-echo";
    o.heartbeat_interval = 60s;
    std::vector<std::unique_ptr<Service>> svcs;
    for (const char* id : {"cl-echo-a", "cl-echo-b"}) {
        o.instance_id = id;
        auto svc = std::make_unique<Service>(cluster.connect(id), o);
        svc->rpc("echo", [id](const Json&) { return Json{{"from", id}}; });
        svc->start();
        svcs.push_back(std::move(svc));
    }
    auto observer = cluster.connect("observer");
    // kv_replicas auto: the connection knows three servers, so the bucket was made with 3.
    CHECK(nats::KeyValue::open(observer, wire::k_registry_bucket).status().replicas == 3);

    CallTally t;
    std::thread caller([&] { call_loop(cluster, "cl-echo", "echo", t); });
    Joiner join_caller{[&] { t.stop = true; }, caller};
    REQUIRE(eventually([&] { return t.ok > 20; }, 5s));
    // Kill the node the first service is attached to: it must move to another node.
    int victim = node_of(cluster, *svcs[0]->connection());
    REQUIRE(victim >= 0);
    cluster.node(victim).kill_now();
    t.killed = true;
    auto killed_at = std::chrono::steady_clock::now();
    if (!eventually([&] { return t.ok_after_kill > 50; }, 10s))
        FAIL("calls did not come back within 10 s of the node kill: " << t.ok_after_kill
                                                                        << " ok after it, "
                                                                        << t.failed << " failed");
    auto recovered = std::chrono::steady_clock::now() - killed_at;
    t.stop = true;
    caller.join();
    std::cerr << "cluster node kill during steady calls: " << t.ok << " ok, " << t.failed
              << " failed, longest gap between successes " << t.max_gap.count()
              << " ms; 50 calls after the kill within "
              << std::chrono::duration_cast<std::chrono::milliseconds>(recovered).count()
              << " ms\n";
    CHECK(t.failed <= 10);

    // The registry (R3) still takes writes and reads: a new instance registers and is listed.
    // When the dead node led the JetStream meta group or the registry stream's raft group, the
    // others elect a new leader first (nats-server 2.9: a few seconds): wait for that, not a time.
    REQUIRE(cluster.wait_jetstream());
    REQUIRE(eventually(
        [&] {
            int l = stream_leader(cluster, "KV_" + std::string(wire::k_registry_bucket));
            return l >= 0 && l != victim;
        },
        20s, 100ms));
    o.instance_id = "cl-echo-c";
    Service late(cluster.connect("cl-echo-c"), o);
    late.rpc("echo", [](const Json&) { return Json{{"from", "c"}}; });
    REQUIRE_NOTHROW(late.start());
    registry::Registry reg(cluster.connect("reader"));
    REQUIRE(eventually([&] {
        try {
            return reg.list({"cl-echo"}).size() == 3;
        } catch (const std::exception&) {
            return false;
        }
    }));
}

namespace {

// The leader "crashes" while a NATS node dies; `standbys` instances wait to take over.
void failover_with_node_kill(int standbys) {
    log::init_from_env();  // AEGIS_LOG=debug shows every leadership change
    test::NatsCluster cluster(3);
    const std::string service = "cl-lead";
    std::vector<std::unique_ptr<SingleActiveService>> nodes;
    std::vector<std::string> ids = {"cl-lead-a", "cl-lead-b", "cl-lead-c"};
    ids.resize(static_cast<size_t>(1 + standbys));
    for (const auto& id : ids) {
        ServiceOptions o;
        o.name = service;
        o.instance_id = id;
        o.heartbeat_interval = 60s;
        SingleActiveOptions sa;
        sa.policy = cluster_policy();
        auto svc = std::make_unique<SingleActiveService>(cluster.connect(id), o, sa);
        svc->exclusive_rpc("work", [id](const Json&) { return Json{{"by", id}}; });
        svc->start();
        nodes.push_back(std::move(svc));
    }
    auto leaders = [&] {
        int n = 0;
        for (auto& s : nodes) n += s->running() && s->is_leader();
        return n;
    };
    REQUIRE(eventually([&] { return leaders() == 1; }, 10s));
    CHECK(nats::KeyValue::open(cluster.connect("o"), wire::election_bucket(service))
              .status()
              .replicas == 3);

    // Never two leaders, sampled all along.
    std::atomic<bool> sampling{true};
    std::atomic<int> max_leaders{0};
    std::thread sampler([&] {
        while (sampling) {
            int n = leaders();
            if (n > max_leaders) max_leaders = n;
            std::this_thread::sleep_for(2ms);
        }
    });
    Joiner join_sampler{[&] { sampling = false; }, sampler};
    CallTally t;
    std::thread caller([&] { call_loop(cluster, service, "work", t); });
    Joiner join_caller{[&] { t.stop = true; }, caller};
    REQUIRE(eventually([&] { return t.ok > 20; }, 5s));

    // The leader "crashes" (its lease is left to go stale) and, at the same moment, the node
    // leading the election bucket's raft group dies: the takeover needs a new stream leader.
    size_t old = 0;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i]->is_leader()) old = i;
    int raft_leader = stream_leader(cluster, "KV_" + wire::election_bucket(service));
    REQUIRE(raft_leader >= 0);
    int victim = raft_leader;
    std::string which = "the election stream leader's node";
    // Catch runs the test once per section: the worst case, and a node the stream can lose
    // without electing a new raft leader.
    SECTION("the node leading the election bucket's stream dies") {}
    SECTION("another node dies") {
        victim = (raft_leader + 1) % cluster.size();
        which = "a node not leading the election stream";
    }
    auto t0 = std::chrono::steady_clock::now();
    nodes[old]->connection()->drain(50ms);  // like a SIGKILL: the connection goes, no release
    cluster.node(victim).kill_now();
    t.killed = true;

    REQUIRE(eventually(
        [&] {
            for (size_t i = 0; i < nodes.size(); ++i)
                if (i != old && nodes[i]->is_leader()) return true;
            return false;
        },
        20s));
    auto elected = std::chrono::steady_clock::now() - t0;
    REQUIRE(eventually([&] { return t.ok_after_kill > 20; }, 10s));
    sampling = false;
    sampler.join();
    t.stop = true;
    caller.join();
    std::cerr << "cluster failover with " << which << " killed: new leader in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(elected).count()
              << " ms; calls " << t.ok << " ok, " << t.failed
              << " failed (retried every 20 ms), longest gap between successes "
              << t.max_gap.count() << " ms\n";
    CHECK(max_leaders.load() == 1);
    int survivors = 0;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (i != old) survivors += nodes[i]->is_leader();
    CHECK(survivors == 1);
}

}  // namespace

TEST_CASE("on a 3-node cluster a node killed during a failover leaves exactly one leader") {
    failover_with_node_kill(1);
}

// nats-server 2.9.10 (Debian 12) accepts two concurrent writes that expect the same last
// subject sequence on a replicated stream (nats-io/nats-server#4320, fixed in later servers):
// two standbys taking over within the same millisecond can then both win. Kept as a hidden
// reproduction: `aegis_integration_tests "[.server-4320]"`.
TEST_CASE("two standbys racing a takeover on an R3 election bucket", "[.server-4320]") {
    failover_with_node_kill(2);
}

// After a node of the cluster is SIGKILLed, its peers keep it as a stream peer (and a place for
// new consumers) until they declare it gone. Listing the registry through a watch created an
// ephemeral consumer each time, and the one placed on the dead node was never answered: the
// list waited out the whole JetStream timeout (5 s), time after time. Twenty lists in a row,
// each bounded far below that timeout and far above a normal list (milliseconds).
TEST_CASE("on a 3-node cluster the registry lists at once, every time, after a node dies") {
    test::NatsCluster cluster(3);
    {
        registry::Registry writer(cluster.connect("writer"));
        for (const char* id : {"cl-list-a", "cl-list-b", "cl-list-c"}) {
            registry::ServiceInstance inst;
            inst.service_name = "cl-list";
            inst.instance_id = id;
            inst.last_heartbeat = wire::iso_now();
            writer.put(inst);
        }
    }
    // A node that leads neither the registry stream nor anything the list needs: no election
    // is involved, only a peer that is gone.
    int leader = stream_leader(cluster, "KV_" + std::string(wire::k_registry_bucket));
    REQUIRE(leader >= 0);
    int victim = (leader + 1) % cluster.size();
    cluster.node(victim).kill_now();
    REQUIRE(cluster.wait_jetstream());

    registry::Registry reader(cluster.connect("reader"));
    for (int i = 0; i < 20; ++i) {
        INFO("list " << i + 1 << " after the kill of n" << victim + 1);
        auto t0 = Clock::now();
        std::vector<registry::Listed> listed;
        REQUIRE_NOTHROW(listed = reader.list({"cl-list"}));
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        INFO("took " << took.count() << " ms");
        CHECK(listed.size() == 3);
        REQUIRE(took < 2s);
    }
}
