// The join behind explore / monitor / the REPL, without a server: registry values in the exact
// Python layout (vectors G10, G11, G14), leader values (G15), $SRV replies.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/client/leaders.hpp"
#include "core/tool/monitor.hpp"
#include "core/tool/rates.hpp"
#include "core/tool/system_view.hpp"
#include "core/registry/instance.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::vec;

using namespace aegis;
using namespace aegis::client;
using namespace aegis::tool;
using namespace std::chrono_literals;

namespace {

std::string value_bytes(const char* name) { return vec(name).at("value_bytes"); }

// A registry entry as the reader sees it `age` seconds after its lastHeartbeat.
registry::Listed listed(const std::string& json, double age, double stale_after = 35) {
    registry::Listed l;
    l.instance = registry::instance_from_registry_json(json);
    l.age_seconds = age;
    l.stale = age > stale_after;
    l.revision = 1;
    return l;
}

// The G10 value rewritten for another instance id (same layout, Python metadata).
const std::string k_py_md = R"({"start_time":"2025-08-07T10:15:30.123456+00:00"})";

std::string python_value(const std::string& service, const std::string& id,
                         const std::string& metadata = k_py_md) {
    return R"({"serviceName":")" + service + R"(","instanceId":")" + id +
           R"(","version":"1.0.0","status":"ACTIVE",)"
           R"("lastHeartbeat":"2025-08-07T10:15:30.123456+00:00","stickyActiveGroup":null,)"
           R"("metadata":)" +
           metadata + "}";
}

SrvReply ping(const std::string& name, const std::string& id, double rtt_ms,
              Json metadata = {{"aegis_sdk", "cpp"}}) {
    SrvReply r;
    r.verb = SrvVerb::ping;
    r.body = {{"type", "io.nats.micro.v1.ping_response"}, {"name", name}, {"id", id},
              {"version", "1.0.0"}, {"metadata", metadata}};
    r.rtt = std::chrono::microseconds(static_cast<long>(rtt_ms * 1000));
    return r;
}

SrvReply info(const std::string& name, const std::string& id, std::vector<std::string> methods) {
    SrvReply r = ping(name, id, 0.5);
    r.verb = SrvVerb::info;
    r.body["type"] = "io.nats.micro.v1.info_response";
    Json eps = Json::array();
    for (auto& m : methods) eps.push_back({{"name", m}, {"subject", "rpc." + name + "." + m}});
    r.body["endpoints"] = eps;
    return r;
}

const std::string k_cpp_md =
    R"({"start_time":"2025-08-07T10:15:30.123456+00:00","sdk":"aegis-cpp"})";

}  // namespace

TEST_CASE("explore: the G15 leader value and key parse, both Python layouts") {
    std::string svc, group;
    std::string key = vec("election_leader_value").at("key");
    REQUIRE(parse_leader_key(key, svc, group));
    CHECK(svc == "order-processor");
    CHECK(group == "default");
    CHECK(parse_leader_key("sticky-active.svc.group.with.dots.leader", svc, group));
    CHECK(group == "group.with.dots");
    CHECK_FALSE(parse_leader_key("election-state.svc.id.default", svc, group));
    CHECK_FALSE(parse_leader_key("sticky-active..leader", svc, group));

    auto l = parse_leader_value(value_bytes("election_leader_value"));
    CHECK(l.instance_id == "order-processor-7b1e4d2a");
    REQUIRE(l.elected_at);
    CHECK(wire::epoch_seconds(*l.elected_at) == Approx(1754561940.0));
    auto now = wire::from_epoch_seconds(1754561942.5);
    CHECK(l.lease_age_s(now) == Approx(2.5));
    CHECK(l.metadata.at("start_time") == "2025-08-07T10:18:59.900000+00:00");

    // The ElectionCoordinator writes an ISO elected_at and no last_heartbeat.
    auto c = parse_leader_value(
        R"({"instance_id":"a-1","service_name":"a","group_id":"g",)"
        R"("elected_at":"2025-08-07T10:19:00+00:00","ttl":5})");
    CHECK(c.instance_id == "a-1");
    CHECK(c.elected_at.has_value());
    CHECK(std::isinf(c.lease_age_s(now)));
    CHECK_THROWS(parse_leader_value(R"({"elected_at":1})"));
    CHECK_THROWS(parse_leader_value("not json"));
}

TEST_CASE("explore: the join tells healthy, stale, ghost, unverified and unregistered apart") {
    std::vector<registry::Listed> entries = {
        listed(value_bytes("registry_register_value"), 2),    // G10, Python, fresh, no $SRV
        listed(value_bytes("registry_heartbeat_value"), 600),  // G11 backdated: stale
        listed(python_value("echo-service", "echo-service-cpp00001", k_cpp_md), 1),  // answers
        listed(python_value("echo-service", "echo-service-ghost001", k_cpp_md), 3),  // silent
    };
    entries[1].instance.instance_id = "echo-service-0ld0ld00";
    std::vector<SrvReply> replies = {ping("echo-service", "echo-service-cpp00001", 0.42),
                                     info("echo-service", "echo-service-cpp00001",
                                          {"echo", "status"}),
                                     ping("echo-service", "stray-1", 0.3)};
    SnapshotOptions o;
    auto now = std::chrono::system_clock::now();
    auto snap = join_snapshot(entries, {}, replies, o, now);
    REQUIRE(snap.services.size() == 1);
    const auto& s = snap.services[0];
    CHECK_FALSE(s.single_active);
    CHECK(s.methods == std::vector<std::string>{"echo", "status"});
    CHECK(snap.find("echo-service", "echo-service-3f2a9c1e")->state == InstanceState::unverified);
    CHECK(snap.find("echo-service", "echo-service-3f2a9c1e")->sdk == "python");
    CHECK(snap.find("echo-service", "echo-service-cpp00001")->state == InstanceState::healthy);
    CHECK(*snap.find("echo-service", "echo-service-cpp00001")->rtt_ms == Approx(0.42));
    CHECK(snap.find("echo-service", "echo-service-ghost001")->state == InstanceState::ghost);
    CHECK(snap.find("echo-service", "stray-1")->state == InstanceState::unregistered);
    // Stale entries are hidden by default but still flagged and counted.
    CHECK(snap.find("echo-service", "echo-service-0ld0ld00") == nullptr);
    CHECK(snap.stale_hidden == 1);
    CHECK(s.count(InstanceState::stale) == 1);
    CHECK(snap.flagged(FlagKind::stale, "echo-service-0ld0ld00"));
    CHECK(snap.flagged(FlagKind::ghost, "echo-service-ghost001"));
    CHECK(snap.flagged(FlagKind::unregistered, "stray-1"));
    CHECK_FALSE(snap.flagged(FlagKind::ghost, "echo-service-3f2a9c1e"));

    o.include_stale = true;
    auto all = join_snapshot(entries, {}, replies, o, now);
    REQUIRE(all.find("echo-service", "echo-service-0ld0ld00"));
    CHECK(all.find("echo-service", "echo-service-0ld0ld00")->state == InstanceState::stale);

    // Without probing nobody is judged by $SRV.
    o.probe = false;
    auto quiet = join_snapshot(entries, {}, {}, o, now);
    CHECK(quiet.find("echo-service", "echo-service-ghost001")->state == InstanceState::healthy);

    Json j = to_json(snap);
    CHECK(j["services"][0]["counts"]["ghost"] == 1);
    CHECK(j["flags"].size() == snap.flags.size());
    CHECK(j["services"][0]["instances"][0].contains("heartbeat_age_ms"));
}

TEST_CASE("explore: single-active groups, leaders, roles and groups without a leader") {
    auto now = wire::from_epoch_seconds(1754561941.0);
    std::vector<registry::Listed> entries = {
        listed(value_bytes("sticky_registry_value"), 1),  // G14: group default
        listed(python_value("order-processor", "order-processor-standby1"), 1),
    };
    LeaderInfo leader = parse_leader_value(value_bytes("election_leader_value"));
    leader.service = "order-processor";
    leader.group = "default";
    SnapshotOptions o;
    o.probe = false;
    auto snap = join_snapshot(entries, {leader}, {}, o, now);
    const auto* s = snap.find("order-processor");
    REQUIRE(s);
    CHECK(s->single_active);
    REQUIRE(s->groups.size() == 1);
    CHECK(s->groups[0].leader_registered);
    CHECK_FALSE(s->groups[0].lease_expired);
    CHECK(snap.find("order-processor", "order-processor-7b1e4d2a")->role == "leader");
    CHECK(snap.find("order-processor", "order-processor-standby1")->role == "standby");
    CHECK(snap.flags.empty());

    // Ten seconds without a renewal: the lease (5 s) expired, the group has no leader.
    auto later = join_snapshot(entries, {leader}, {}, o, now + 10s);
    CHECK(later.find("order-processor")->groups[0].lease_expired);
    CHECK(later.flagged(FlagKind::no_leader, "default"));

    // No leader key at all, but the registry names the group.
    auto none = join_snapshot(entries, {}, {}, o, now);
    CHECK(none.find("order-processor")->single_active);
    CHECK(none.flagged(FlagKind::no_leader, "default"));

    // A leader nobody registers is flagged (and its service still listed).
    LeaderInfo orphan = leader;
    orphan.service = "billing";
    auto orphaned = join_snapshot({}, {orphan}, {}, o, now);
    REQUIRE(orphaned.find("billing"));
    CHECK(orphaned.flagged(FlagKind::leader_not_registered, "default"));
}

TEST_CASE("explore: small helpers") {
    CHECK(human_age(0.25) == "250ms");
    CHECK(human_age(12.7) == "12s");
    CHECK(human_age(184) == "3m04s");
    CHECK(human_age(7500) == "2h05m");
    CHECK(human_age(std::numeric_limits<double>::infinity()) == "-");
    auto t = wire::parse_timestamp("2025-08-07T10:20:30+00:00").value();
    Json md = {{"start_time", "2025-08-07T10:15:30.123456+00:00"},
               {"zone", "a"},
               {"is_leader", true}};
    auto s = metadata_summary(md, t);
    CHECK(s.find("up 4m59s") != std::string::npos);
    CHECK(s.find("zone=a") != std::string::npos);
    CHECK(s.find("is_leader=true") != std::string::npos);
    CHECK(json_str(Json{{"name", 5}}, "name").empty());
}

TEST_CASE("monitor: rates come from STATS deltas and survive a restart") {
    auto stats = [](uint64_t n, uint64_t errors, int64_t proc_ns, const char* started) {
        SrvReply r;
        r.verb = SrvVerb::stats;
        r.rtt = 1ms;
        r.body = {{"type", "io.nats.micro.v1.stats_response"}, {"name", "svc"}, {"id", "svc-1"},
                  {"started", started},
                  {"endpoints", Json::array({{{"name", "echo"}, {"num_requests", n},
                                              {"num_errors", errors}, {"last_error", ""},
                                              {"processing_time", proc_ns},
                                              {"average_processing_time",
                                               n ? proc_ns / int64_t(n) : 0}}})}};
        return r;
    };
    RateTracker t;
    auto t0 = std::chrono::steady_clock::now();
    t.update({stats(100, 1, 100'000'000, "A")}, t0);
    REQUIRE(t.rates().size() == 1);
    CHECK_FALSE(t.rates()[0].has_rate);
    t.update({stats(300, 5, 500'000'000, "A")}, t0 + 2s);
    const auto& r = t.rates()[0];
    CHECK(r.has_rate);
    CHECK(r.requests_per_s == Approx(100.0));
    CHECK(r.errors_per_s == Approx(2.0));
    CHECK(r.avg_ms == Approx(2.0));  // 400 ms over 200 requests
    CHECK(r.observed_requests == 200);
    // A restarted instance (counters back to small numbers): a new baseline, no negative rate.
    t.update({stats(10, 0, 1'000'000, "B")}, t0 + 3s);
    CHECK_FALSE(t.rates()[0].has_rate);
    t.update({stats(20, 0, 2'000'000, "B")}, t0 + 4s);
    CHECK(t.rates()[0].requests_per_s == Approx(10.0));
    CHECK(t.rates()[0].observed_requests == 210);
    // Garbage bodies are skipped.
    SrvReply junk;
    junk.body = {{"name", 3}, {"endpoints", "no"}};
    t.update({junk}, t0 + 5s);
    CHECK(t.rates().empty());
}

TEST_CASE("monitor: frames sort by rate and filter by name") {
    MonitorFrame f;
    const std::vector<std::pair<std::string, double>> rows = {
        {"alpha", 1}, {"beta", 50}, {"gamma", 7}};
    for (const auto& [name, rps] : rows) {
        MonitorService s;
        s.name = name;
        s.total.has_rate = true;
        s.total.requests_per_s = rps;
        MonitorInstance i;
        i.view.instance_id = name + "-1";
        s.instances.push_back(i);
        f.services.push_back(s);
    }
    sort_frame(f, SortKey::requests);
    CHECK(f.services[0].name == "beta");
    CHECK(f.services[2].name == "alpha");
    sort_frame(f, SortKey::name);
    CHECK(f.services[0].name == "alpha");
    auto g = f;
    filter_frame(g, "AMM");
    REQUIRE(g.services.size() == 1);
    CHECK(g.services[0].name == "gamma");
    filter_frame(f, "beta-1");
    REQUIRE(f.services.size() == 1);
    CHECK(next_sort(SortKey::latency) == SortKey::name);
    Json j = to_json(f, {});
    CHECK(j["type"] == "snapshot");
    CHECK(j["services"][0]["requests_per_s"] == 50.0);
}

TEST_CASE("explore: a registry value under another key is listed under its key, never merged") {
    // The real instance, and the same value copied under a key of another service and under
    // another instance's key of the same service.
    const std::string real = python_value("echo-service", "echo-service-cpp00001", k_cpp_md);
    auto at = [&](const std::string& key) {
        registry::Listed l = listed(real, 1);
        l.key = key;
        l.mismatched_key = registry::key_mismatch(key, l.instance);
        return l;
    };
    std::vector<registry::Listed> entries = {
        at("service-instances__echo-service__echo-service-cpp00001"),
        at("service-instances__spoof__x1"),
        at("service-instances__echo-service__echo-service-copy0001"),
    };
    CHECK_FALSE(entries[0].mismatched_key);
    REQUIRE(entries[1].mismatched_key);
    CHECK(entries[1].service() == "spoof");
    CHECK(entries[1].instance_id() == "x1");
    std::vector<SrvReply> replies = {ping("echo-service", "echo-service-cpp00001", 0.42)};
    auto now = std::chrono::system_clock::now();
    SnapshotOptions all;
    auto snap = join_snapshot(entries, {}, replies, all, now);
    const auto* echo = snap.find("echo-service");
    REQUIRE(echo);
    // One healthy copy of the live instance, with its own RTT; the copy is shown as such.
    CHECK(echo->count(InstanceState::healthy) == 1);
    CHECK(echo->instances.size() == 2);
    CHECK(*snap.find("echo-service", "echo-service-cpp00001")->rtt_ms == Approx(0.42));
    const auto* copy = snap.find("echo-service", "echo-service-copy0001");
    REQUIRE(copy);
    CHECK(copy->state == InstanceState::mismatched_key);
    CHECK_FALSE(copy->rtt_ms);
    CHECK_FALSE(copy->answers_srv);
    const auto* spoof = snap.find("spoof", "x1");
    REQUIRE(spoof);
    CHECK(spoof->state == InstanceState::mismatched_key);
    CHECK(snap.flagged(FlagKind::mismatched_key, "x1"));
    CHECK(snap.flagged(FlagKind::mismatched_key, "echo-service-copy0001"));
    CHECK_FALSE(snap.flagged(FlagKind::unregistered, "echo-service-cpp00001"));

    // `explore echo-service` and `explore` agree on the service.
    SnapshotOptions one;
    one.service = "echo-service";
    auto only = join_snapshot(entries, {}, replies, one, now);
    REQUIRE(only.services.size() == 1);
    REQUIRE(only.services[0].instances.size() == echo->instances.size());
    for (size_t i = 0; i < echo->instances.size(); ++i) {
        CHECK(only.services[0].instances[i].instance_id == echo->instances[i].instance_id);
        CHECK(only.services[0].instances[i].state == echo->instances[i].state);
    }
    Json j = to_json(snap);
    for (const auto& s : j["services"])
        if (s["name"] == "spoof") {
            CHECK(s["counts"]["mismatched_key"] == 1);
            CHECK(s["instances"][0]["value_names"]["service"] == "echo-service");
        }
}

TEST_CASE("registry: a key agrees with its value when it is the key the value is written under") {
    auto inst = registry::instance_from_registry_json(python_value("a__b", "i-1"));
    CHECK_FALSE(registry::key_mismatch("service-instances__a__b__i-1", inst));  // Python's layout
    auto other = registry::key_mismatch("service-instances__a__b__i-2", inst);
    REQUIRE(other);
    CHECK(other->service == "a");
    CHECK(other->instance_id == "b__i-2");
    auto odd = registry::key_mismatch("service-instances__lonely", inst);
    REQUIRE(odd);
    CHECK(odd->service == "lonely");
    CHECK(odd->instance_id.empty());
}
