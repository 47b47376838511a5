// The join behind explore / monitor / the REPL: registry entries + leaders + $SRV replies.
// No I/O here, so every rule below is unit-tested.
#include <algorithm>
#include <optional>
#include <chrono>
#include <vector>
#include <string>
#include <cctype>
#include <map>
#include <set>

#include "core/tool/system_view.hpp"
#include "core/util/text.hpp"
#include "core/util/duration.hpp"

namespace aegis::tool {

namespace {

// What $SRV said about one instance (any verb proves it answers).
struct SrvSeen {
    std::optional<double> rtt_ms;
    std::vector<std::string> methods;
    Json metadata = Json::object();
    std::string version;
};

using Key = std::pair<std::string, std::string>;  // service, instance

std::map<Key, SrvSeen> index_replies(const std::vector<client::SrvReply>& replies) {
    std::map<Key, SrvSeen> out;
    for (const auto& r : replies) {
        const Json& b = r.body;
        if (!b.contains("name") || !b["name"].is_string() || !b.contains("id") ||
            !b["id"].is_string())
            continue;
        SrvSeen& s = out[{b["name"].get<std::string>(), b["id"].get<std::string>()}];
        double ms = util::millis(r.rtt);
        if (r.verb == client::SrvVerb::ping || !s.rtt_ms) s.rtt_ms = ms;
        if (b.contains("version") && b["version"].is_string()) s.version = b["version"];
        if (b.contains("metadata") && b["metadata"].is_object()) s.metadata = b["metadata"];
        if (r.verb == client::SrvVerb::info && b.contains("endpoints") &&
            b["endpoints"].is_array()) {
            s.methods.clear();
            for (const auto& ep : b["endpoints"])
                if (ep.is_object() && ep.contains("name") && ep["name"].is_string())
                    s.methods.push_back(ep["name"]);
        }
    }
    return out;
}

std::string self_reported_role(const InstanceView& v) {
    if (v.entry) {
        const auto& inst = v.entry->instance;
        if (inst.sticky_active_status == "ACTIVE") return "leader";
        if (inst.sticky_active_status == "STANDBY") return "standby";
        auto it = inst.metadata.find("is_leader");
        if (it != inst.metadata.end() && it->is_boolean()) return *it ? "leader" : "standby";
    }
    // $SRV metadata of an aegis single-active instance: sticky_active_status, is_leader.
    const Json& md = v.srv_metadata;
    std::string st = json_str(md, "sticky_active_status");
    if (st == "ACTIVE") return "leader";
    if (st == "STANDBY") return "standby";
    std::string lead = json_str(md, "is_leader");
    if (lead == "true") return "leader";
    if (lead == "false") return "standby";
    return {};
}

bool looks_single_active(const InstanceView& v) {
    if (v.state == InstanceState::mismatched_key) return false;
    if (v.entry && v.entry->instance.sticky_active_group) return true;
    return !self_reported_role(v).empty();
}

// An entry whose value names someone else: listed under its key, with nothing joined to it (no
// $SRV answer, role or group: those belong to whoever the names are).
InstanceView from_mismatched(registry::Listed entry) {
    InstanceView v;
    v.service = entry.service();
    v.instance_id = entry.instance_id();
    v.sdk = entry_sdk(entry.instance);
    v.version = entry.instance.version;
    v.state = InstanceState::mismatched_key;
    v.entry = std::move(entry);
    return v;
}

InstanceView from_entry(registry::Listed entry, const std::map<Key, SrvSeen>& srv, bool probed) {
    if (entry.mismatched_key) return from_mismatched(std::move(entry));
    InstanceView v;
    v.service = entry.instance.service_name;
    v.instance_id = entry.instance.instance_id;
    v.sdk = entry_sdk(entry.instance);
    v.version = entry.instance.version;
    v.group = entry.instance.sticky_active_group.value_or("");
    if (auto it = srv.find({v.service, v.instance_id}); it != srv.end()) {
        v.answers_srv = true;
        v.rtt_ms = it->second.rtt_ms;
        v.methods = it->second.methods;
        v.srv_metadata = it->second.metadata;
        if (v.group.empty()) v.group = json_str(v.srv_metadata, "sticky_active_group");
    }
    if (entry.stale)
        v.state = InstanceState::stale;
    else if (entry.instance.status == "UNHEALTHY")
        v.state = InstanceState::unhealthy;
    else if (probed && !v.answers_srv)
        v.state = v.sdk == "cpp" ? InstanceState::ghost : InstanceState::unverified;
    else if (json_str(v.srv_metadata, "load") == "overloaded")
        v.state = InstanceState::overloaded;
    v.entry = std::move(entry);
    return v;
}

void add_groups(ServiceView& s, const std::vector<client::LeaderInfo>& leaders,
                const SnapshotOptions& o, wire::SysTime now) {
    std::map<std::string, GroupView> groups;
    for (const auto& l : leaders) {
        if (l.service != util::to_lower(s.name)) continue;
        GroupView& g = groups[l.group];
        g.group = l.group;
        g.leader = l;
        g.lease_expired = l.lease_age_s(now) > std::chrono::duration<double>(o.lease_ttl).count();
    }
    bool any_fresh = false;
    for (const auto& v : s.instances) {
        if (v.state == InstanceState::stale || v.state == InstanceState::mismatched_key ||
            !v.entry)
            continue;
        any_fresh = true;
        if (!v.group.empty()) groups[v.group].group = v.group;
    }
    s.single_active = !groups.empty() ||
                      std::any_of(s.instances.begin(), s.instances.end(), looks_single_active);
    if (s.single_active && groups.empty() && any_fresh) groups["default"].group = "default";
    for (auto& [name, g] : groups) s.groups.push_back(std::move(g));
}

void assign_roles(ServiceView& s) {
    for (auto& g : s.groups) {
        for (auto& v : s.instances) {
            if (!g.leader || v.instance_id != g.leader->instance_id ||
                v.state == InstanceState::mismatched_key)
                continue;
            v.role = "leader";
            v.group = g.group;
            if (v.entry && v.state != InstanceState::stale) g.leader_registered = true;
        }
    }
    bool bucket_knows = std::any_of(s.groups.begin(), s.groups.end(),
                                    [](const GroupView& g) { return g.leader.has_value(); });
    for (auto& v : s.instances) {
        if (!v.role.empty() || !s.single_active || v.state == InstanceState::mismatched_key)
            continue;
        std::string self = self_reported_role(v);
        // The election bucket is the truth; what an instance says of itself is the fallback.
        v.role = bucket_knows ? "standby" : (self.empty() ? "standby" : self);
        if (v.group.empty() && s.groups.size() == 1) v.group = s.groups[0].group;
    }
}

void add_flags(SystemSnapshot& snap, const ServiceView& s, const SnapshotOptions& o,
               wire::SysTime now) {
    auto flag = [&](FlagKind k, const std::string& inst, const std::string& group,
                    std::string msg) { snap.flags.push_back({k, s.name, inst, group, msg}); };
    for (const auto& v : s.instances) {
        double age = v.entry ? v.entry->age_seconds : 0;
        if (v.state == InstanceState::ghost)
            flag(FlagKind::ghost, v.instance_id, {},
                 "registered (heartbeat " + human_age(age) + " ago) but does not answer $SRV");
        else if (v.state == InstanceState::unregistered)
            flag(FlagKind::unregistered, v.instance_id, {},
                 "answers $SRV but is not in the registry");
        else if (v.state == InstanceState::mismatched_key)
            flag(FlagKind::mismatched_key, v.instance_id, {},
                 "registry key '" + v.entry->key + "' holds the value of '" +
                     v.entry->instance.service_name + "/" + v.entry->instance.instance_id +
                     "' (not merged; delete the key if nobody owns it)");
        else if (v.state == InstanceState::stale)
            flag(FlagKind::stale, v.instance_id, {},
                 "last heartbeat " + human_age(age) + " ago (stale after " +
                     std::to_string(o.stale_after.count()) + "s)" +
                     (v.answers_srv ? ", yet it answers $SRV" : ""));
    }
    bool any_fresh = std::any_of(s.instances.begin(), s.instances.end(), [](const auto& v) {
        return v.entry && v.state != InstanceState::stale &&
               v.state != InstanceState::mismatched_key;
    });
    for (const auto& g : s.groups) {
        std::string where = "group '" + g.group + "'";
        if (!g.leader) {
            if (any_fresh) flag(FlagKind::no_leader, {}, g.group, where + " has no leader");
        } else if (g.lease_expired) {
            flag(FlagKind::no_leader, {}, g.group,
                 where + ": the lease of " + g.leader->instance_id + " expired (renewed " +
                     human_age(g.leader->lease_age_s(now)) + " ago)");
        } else if (!g.leader_registered) {
            flag(FlagKind::leader_not_registered, g.leader->instance_id, g.group,
                 where + ": leader " + g.leader->instance_id + " is not a registered instance");
        }
    }
}

void finish_service(ServiceView& s) {
    std::set<std::string> versions, methods;
    for (const auto& v : s.instances) {
        if (!v.version.empty()) versions.insert(v.version);
        methods.insert(v.methods.begin(), v.methods.end());
    }
    s.versions.assign(versions.begin(), versions.end());
    s.methods.assign(methods.begin(), methods.end());
    std::sort(s.instances.begin(), s.instances.end(),
              [](const auto& a, const auto& b) { return a.instance_id < b.instance_id; });
}

// An instance that answers $SRV but has no registry entry.
InstanceView from_responder(const Key& key, const SrvSeen& seen) {
    InstanceView v;
    v.service = key.first;
    v.instance_id = key.second;
    v.state = InstanceState::unregistered;
    v.answers_srv = true;
    v.rtt_ms = seen.rtt_ms;
    v.methods = seen.methods;
    v.version = seen.version;
    v.srv_metadata = seen.metadata;
    v.group = json_str(seen.metadata, "sticky_active_group");
    v.sdk = json_str(seen.metadata, "aegis_sdk") == "cpp" ? "cpp" : "";
    return v;
}

// Takes stale instances out of the listing (they stay counted and flagged).
size_t hide_stale(ServiceView& s) {
    auto stale = [](const InstanceView& v) { return v.state == InstanceState::stale; };
    s.stale_hidden =
        static_cast<size_t>(std::count_if(s.instances.begin(), s.instances.end(), stale));
    s.instances.erase(std::remove_if(s.instances.begin(), s.instances.end(), stale),
                      s.instances.end());
    return s.stale_hidden;
}

}  // namespace

SystemSnapshot join_snapshot(std::vector<registry::Listed> entries,
                             std::vector<client::LeaderInfo> leaders,
                             const std::vector<client::SrvReply>& replies,
                             const SnapshotOptions& o, wire::SysTime now) {
    SystemSnapshot snap;
    snap.taken_at = now;
    snap.probed = o.probe;
    auto srv = index_replies(replies);
    std::map<std::string, ServiceView> services;
    std::set<Key> registered;
    auto wanted = [&](const std::string& name) { return o.service.empty() || name == o.service; };
    for (auto& e : entries) {
        // By the key's names, as `explore SERVICE` lists them (by key prefix): both agree.
        if (!wanted(e.service())) continue;
        if (!e.mismatched_key) registered.insert({e.instance.service_name, e.instance.instance_id});
        auto v = from_entry(std::move(e), srv, o.probe);
        auto& s = services[v.service];
        s.name = v.service;
        s.instances.push_back(std::move(v));
    }
    for (auto& [key, seen] : srv) {
        if (registered.count(key) || !wanted(key.first)) continue;
        auto v = from_responder(key, seen);
        auto& s = services[v.service];
        s.name = v.service;
        s.instances.push_back(std::move(v));
    }
    for (const auto& l : leaders) {
        // A leader key of a service nobody registers still deserves a line (and a flag).
        if (!wanted(l.service)) continue;
        bool known = std::any_of(services.begin(), services.end(),
                                 [&](const auto& kv) { return util::to_lower(kv.first) == l.service; });
        if (!known) services[l.service].name = l.service;
    }
    for (auto& [name, s] : services) {
        add_groups(s, leaders, o, now);
        assign_roles(s);
        finish_service(s);
        add_flags(snap, s, o, now);
        if (!o.include_stale) snap.stale_hidden += hide_stale(s);
        snap.services.push_back(std::move(s));
    }
    return snap;
}

}  // namespace aegis::tool
