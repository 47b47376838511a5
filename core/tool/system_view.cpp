#include "core/tool/system_view.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <cmath>
#include <future>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::tool {

const char* state_name(InstanceState s) {
    switch (s) {
    case InstanceState::healthy: return "healthy";
    case InstanceState::unhealthy: return "unhealthy";
    case InstanceState::stale: return "stale";
    case InstanceState::ghost: return "ghost";
    case InstanceState::unverified: return "unverified";
    case InstanceState::unregistered: return "unregistered";
    case InstanceState::mismatched_key: return "mismatched_key";
    case InstanceState::overloaded: return "overloaded";
    }
    return "?";
}

const char* flag_name(FlagKind k) {
    switch (k) {
    case FlagKind::ghost: return "ghost";
    case FlagKind::unregistered: return "unregistered";
    case FlagKind::stale: return "stale";
    case FlagKind::no_leader: return "no_leader";
    case FlagKind::leader_not_registered: return "leader_not_registered";
    case FlagKind::mismatched_key: return "mismatched_key";
    }
    return "?";
}

size_t ServiceView::count(InstanceState s) const {
    size_t n = 0;
    for (const auto& v : instances) n += v.state == s ? 1 : 0;
    return s == InstanceState::stale ? n + stale_hidden : n;
}

const ServiceView* SystemSnapshot::find(std::string_view service) const {
    for (const auto& s : services)
        if (s.name == service) return &s;
    return nullptr;
}

const InstanceView* SystemSnapshot::find(std::string_view service,
                                          std::string_view instance_id) const {
    const ServiceView* v = find(service);
    if (!v) return nullptr;
    for (const auto& i : v->instances)
        if (i.instance_id == instance_id) return &i;
    return nullptr;
}

bool SystemSnapshot::flagged(FlagKind kind, std::string_view who) const {
    for (const auto& f : flags)
        if (f.kind == kind && (f.instance == who || f.group == who)) return true;
    return false;
}

size_t SystemSnapshot::instance_count() const {
    size_t n = 0;
    for (const auto& s : services) n += s.instances.size();
    return n;
}

std::string json_str(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string entry_sdk(const registry::ServiceInstance& inst) {
    auto it = inst.metadata.find("sdk");
    if (it != inst.metadata.end() && it->is_string() && *it == "aegis-cpp") return "cpp";
    return "python";
}

std::string human_age(double s) {
    if (!std::isfinite(s) || s < 0) return "-";
    if (s < 1) return std::to_string(static_cast<int>(s * 1000)) + "ms";
    auto n = static_cast<long>(s);
    if (n < 60) return std::to_string(n) + "s";
    if (n < 3600) return fmt::format("{}m{:02}s", n / 60, n % 60);
    if (n < 86400) return fmt::format("{}h{:02}m", n / 3600, (n % 3600) / 60);
    return fmt::format("{}d{:02}h", n / 86400, (n % 86400) / 3600);
}

std::string metadata_summary(const Json& md, wire::SysTime now, size_t max) {
    std::string out;
    auto add = [&](const std::string& part) {
        if (!out.empty()) out += ", ";
        out += part;
    };
    if (md.is_object()) {
        if (auto st = md.find("start_time"); st != md.end() && st->is_string()) {
            if (auto t = wire::parse_timestamp(st->get<std::string>()))
                add("up " + human_age(std::chrono::duration<double>(now - *t).count()));
        }
        for (auto it = md.begin(); it != md.end(); ++it) {
            if (it.key() == "start_time" || it.key() == "sdk") continue;
            const Json& v = it.value();
            if (v.is_string()) add(it.key() + "=" + v.get<std::string>());
            else if (v.is_primitive()) add(it.key() + "=" + v.dump());
            else add(it.key() + "={…}");
        }
    }
    if (out.size() > max) out = out.substr(0, max - 3) + "...";
    return out;
}

namespace {

Json ms_or_null(double seconds) {
    return std::isfinite(seconds) ? Json(std::round(seconds * 1e6) / 1e3) : Json();
}

Json time_or_null(const std::optional<wire::SysTime>& t) {
    return t ? Json(wire::rfc3339_ms(*t)) : Json();
}

Json group_json(const GroupView& g, wire::SysTime now) {
    Json leader;
    if (g.leader) {
        leader = {{"instance_id", g.leader->instance_id},
                  {"elected_at", time_or_null(g.leader->elected_at)},
                  {"last_heartbeat", time_or_null(g.leader->last_heartbeat)},
                  {"lease_age_ms", ms_or_null(g.leader->lease_age_s(now))},
                  {"tenure_ms", ms_or_null(g.leader->tenure_s(now))},
                  {"bucket", g.leader->bucket},
                  {"revision", g.leader->revision},
                  {"metadata", g.leader->metadata}};
    }
    return {{"group", g.group}, {"leader", leader}, {"lease_expired", g.lease_expired},
            {"leader_registered", g.leader_registered}};
}

}  // namespace

// An aegis instance's load from its $SRV metadata (strings), or null when it reports none.
Json load_json(const Json& md) {
    if (json_str(md, "load").empty()) return Json();
    auto count = [&](const char* k) -> Json {
        std::string s = json_str(md, k);
        if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != s.npos)
            return Json();
        return std::stoull(s);
    };
    return {{"state", json_str(md, "load")}, {"queued", count("queued")},
            {"shed", count("shed")}, {"expired", count("expired")}};
}

Json to_json(const InstanceView& v, wire::SysTime now) {
    Json j = {{"service", v.service},
              {"instance_id", v.instance_id},
              {"state", state_name(v.state)},
              {"registered", v.entry.has_value()},
              {"sdk", v.sdk.empty() ? Json() : Json(v.sdk)},
              {"role", v.role.empty() ? Json() : Json(v.role)},
              {"group", v.group.empty() ? Json() : Json(v.group)},
              {"version", v.version},
              {"answers_srv", v.answers_srv},
              {"rtt_ms", v.rtt_ms ? Json(std::round(*v.rtt_ms * 1000) / 1000) : Json()},
              {"methods", v.methods}};
    if (auto load = load_json(v.srv_metadata); !load.is_null()) j["load"] = std::move(load);
    if (v.entry) {
        const auto& inst = v.entry->instance;
        auto hb = inst.heartbeat_time();
        j["status"] = inst.status;
        j["last_heartbeat"] = time_or_null(hb);
        j["heartbeat_age_ms"] = ms_or_null(inst.age_seconds(now));
        j["metadata"] = inst.metadata;
        j["revision"] = v.entry->revision;
        if (v.entry->mismatched_key)  // what the value claims, next to the key's names above
            j["value_names"] = {{"service", inst.service_name},
                                {"instance_id", inst.instance_id}};
    } else {
        j["metadata"] = v.srv_metadata;
    }
    return j;
}

Json to_json(const SystemSnapshot& snap) {
    Json services = Json::array();
    for (const auto& s : snap.services) {
        Json counts = Json::object();
        for (auto st : {InstanceState::healthy, InstanceState::unhealthy, InstanceState::stale,
                        InstanceState::ghost, InstanceState::unverified,
                        InstanceState::unregistered, InstanceState::overloaded,
                        InstanceState::mismatched_key})
            counts[state_name(st)] = s.count(st);
        Json groups = Json::array(), instances = Json::array();
        for (const auto& g : s.groups) groups.push_back(group_json(g, snap.taken_at));
        for (const auto& v : s.instances) instances.push_back(to_json(v, snap.taken_at));
        services.push_back({{"name", s.name}, {"pattern", s.pattern()},
                            {"versions", s.versions}, {"methods", s.methods},
                            {"counts", counts}, {"groups", groups}, {"instances", instances}});
    }
    Json flags = Json::array();
    for (const auto& f : snap.flags) {
        flags.push_back({{"kind", flag_name(f.kind)}, {"service", f.service},
                         {"instance", f.instance.empty() ? Json() : Json(f.instance)},
                         {"group", f.group.empty() ? Json() : Json(f.group)},
                         {"message", f.message}});
    }
    return {{"taken_at", wire::rfc3339_ms(snap.taken_at)},
            {"took_ms", std::round(snap.took.count() / 10.0) / 100.0},
            {"probed", snap.probed},
            {"services", services},
            {"flags", flags},
            {"stale_hidden", snap.stale_hidden},
            {"unreadable", snap.unreadable}};
}

SystemView::SystemView(std::shared_ptr<nats::Connection> conn)
    : m_conn(std::move(conn)) {}

registry::Registry* SystemView::registry() {
    if (!m_registry) {
        // One look-up of the bucket (a JetStream round trip), not one to test and one to open.
        auto existing = registry::Registry::open_existing(m_conn);
        if (!existing) return nullptr;
        m_registry = std::make_unique<registry::Registry>(std::move(*existing));
    }
    return m_registry.get();
}

SystemView::~SystemView() = default;

namespace {

// Shared between the snapshot thread (which learns who should answer from the KV pass) and the
// $SRV gathering thread (which stops early once all of them have answered PING and INFO).
struct Expected {
    std::mutex mutex;
    std::optional<std::set<std::string>> ids;  // "<service>\n<id>" of fresh C++ entries
    std::set<std::string> pinged, informed;
    size_t seen = 0;

    bool complete(const std::vector<client::SrvReply>& got) {
        std::lock_guard lock(mutex);
        for (; seen < got.size(); ++seen) {
            const Json& b = got[seen].body;
            std::string k = json_str(b, "name") + "\n" + json_str(b, "id");
            (got[seen].verb == client::SrvVerb::info ? informed : pinged).insert(k);
        }
        // Nobody expected (only Python or unregistered responders): wait the full window.
        if (!ids || ids->empty()) return false;
        for (const auto& k : *ids)
            if (!pinged.count(k) || !informed.count(k)) return false;
        return true;
    }
};

}  // namespace

SystemSnapshot SystemView::snapshot(const SnapshotOptions& o) {
    auto t0 = std::chrono::steady_clock::now();
    auto expected = std::make_shared<Expected>();
    std::future<std::vector<client::SrvReply>> gathering;
    if (o.probe) {
        client::SrvGather g;
        g.verbs = {client::SrvVerb::ping, client::SrvVerb::info};
        g.service = o.service;
        g.window = o.srv_window;
        g.max_wait = o.srv_max_wait;
        g.complete = [expected](const std::vector<client::SrvReply>& got) {
            return expected->complete(got);
        };
        gathering = std::async(std::launch::async,
                               [conn = m_conn, g] { return client::srv_gather(*conn, g); });
    }
    // The election buckets are read beside the registry: both are round trips to JetStream.
    auto leading = std::async(std::launch::async, [conn = m_conn, service = o.service] {
        return client::read_leaders(conn, service);
    });
    registry::ListOptions lo;
    lo.service = o.service;
    lo.include_stale = true;
    lo.include_mismatched = true;  // shown as such, never joined
    lo.stale_after = o.stale_after;
    auto* reg = registry();
    auto entries = reg ? reg->list(lo) : std::vector<registry::Listed>{};
    {
        std::set<std::string> ids;
        for (const auto& e : entries)
            if (!e.stale && !e.mismatched_key && entry_sdk(e.instance) == "cpp")
                ids.insert(e.instance.service_name + "\n" + e.instance.instance_id);
        std::lock_guard lock(expected->mutex);
        expected->ids = std::move(ids);
    }
    auto leaders = leading.get();
    std::vector<client::SrvReply> replies =
        o.probe ? gathering.get() : std::vector<client::SrvReply>{};
    auto snap = join_snapshot(std::move(entries), std::move(leaders), replies, o,
                              std::chrono::system_clock::now());
    snap.unreadable = reg ? reg->unreadable_count() : 0;
    snap.took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0);
    return snap;
}

}  // namespace aegis::tool
