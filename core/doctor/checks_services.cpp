// Registered services: stale instances, single-active groups without a leader, and live registry
// entries that do not answer $SRV.PING.
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include <map>
#include <set>

#include "core/client/leaders.hpp"
#include "core/client/srv_client.hpp"
#include "core/doctor/doctor_internal.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace aegis::doctor {

namespace {

constexpr const char* k_services = "services";
constexpr size_t k_show = 3;  // names listed per line before "and N more"

std::string list(const std::vector<std::string>& v) {
    std::string out;
    for (size_t i = 0; i < v.size() && i < k_show; ++i) out += (i ? ", " : "") + v[i];
    if (v.size() > k_show) out += fmt::format(" and {} more", v.size() - k_show);
    return out;
}

std::string id(const registry::ServiceInstance& i) {
    return i.service_name + "/" + i.instance_id;
}

void stale(Run& r, const std::vector<registry::Listed>& all) {
    std::vector<std::string> names;
    for (auto& l : all)
        if (l.stale) names.push_back(fmt::format("{} ({:.0f}s ago)", id(l.instance), l.age_seconds));
    if (names.empty()) {
        r.add(k_services, "stale instances", Status::ok, "none");
        return;
    }
    std::string threshold =
        r.options.stale_after == registry::k_default_stale_after
            ? std::string()
            : fmt::format(" --stale-after {}", r.options.stale_after.count());
    r.add(k_services, "stale instances", Status::warn,
          fmt::format("{} without a heartbeat for over {}s: {}", names.size(),
                      r.options.stale_after.count(), list(names)),
          "they stopped without deregistering; remove them: aegis explore --prune" + threshold +
              " (--dry-run lists them first)");
}

// Groups that instances say they belong to, and whether each has a live leader.
void leaders(Run& r, const std::vector<registry::Listed>& live) {
    std::map<std::pair<std::string, std::string>, std::set<std::string>> groups;
    for (auto& l : live)
        if (l.instance.sticky_active_group)
            groups[{l.instance.service_name, *l.instance.sticky_active_group}].insert(
                l.instance.instance_id);
    if (groups.empty()) {
        r.add(k_services, "leaders", Status::ok, "no single-active groups");
        return;
    }
    auto all = client::read_leaders(r.conn);
    std::vector<std::string> missing, dead;
    for (auto& [key, members] : groups) {
        auto& [service, group] = key;
        const client::LeaderInfo* found = nullptr;
        for (auto& l : all) {
            if (l.service == util::to_lower(service) && l.group == group) found = &l;
        }
        if (!found) missing.push_back(service + "/" + group);
        else if (!members.count(found->instance_id))
            dead.push_back(service + "/" + group + " (" + found->instance_id + ")");
    }
    if (!missing.empty())
        r.add(k_services, "leaders", Status::fail,
              fmt::format("{} without a leader: {}", plural(missing.size(), "single-active group"),
                          list(missing)),
              "check the standbys' logs; 'aegis explore' shows each group's members");
    else if (!dead.empty())
        r.add(k_services, "leaders", Status::warn,
              "leader is not a live registered instance: " + list(dead),
              "a standby takes over once the lease goes stale; if not, restart the group");
    else
        r.add(k_services, "leaders", Status::ok,
              plural(groups.size(), "group") +
                  (groups.size() == 1 ? " with its" : ", each with a") + " live leader");
}

void ping(Run& r, const std::vector<registry::Listed>& live) {
    if (live.empty()) {
        r.skip(k_services, "$SRV.PING", "no live instances");
        return;
    }
    auto replies = client::srv_request(*r.conn, client::SrvVerb::ping, {}, {},
                                       std::chrono::milliseconds(300), r.options.timeout);
    std::set<std::string> answered;
    for (auto& rep : replies) answered.insert(rep.body.value("id", std::string()));
    std::vector<std::string> silent;
    for (auto& l : live)
        if (!answered.count(l.instance.instance_id)) silent.push_back(id(l.instance));
    if (silent.empty())
        r.add(k_services, "$SRV.PING", Status::ok,
              live.size() == 1 ? "the live instance answers"
                               : fmt::format("all {} live instances answer", live.size()));
    else
        r.add(k_services, "$SRV.PING", Status::warn,
              fmt::format("{} of {} do not answer: {}", silent.size(),
                          plural(live.size(), "live instance"), list(silent)),
              "Python AegisSDK services do not implement $SRV; an aegis service that does not "
              "answer is hung or cut off: restart it");
}

// Entries whose value names another service or instance than their key: a copy or a forgery,
// which explore lists apart ("mismatched key") and nobody should route to. A warning line only
// when there are some.
void mismatched(Run& r, const std::vector<registry::Listed>& odd) {
    std::vector<std::string> names;
    for (auto& l : odd) names.push_back(fmt::format("'{}' holds {}", l.key, id(l.instance)));
    if (names.empty()) return;  // the usual case: no line of its own
    r.add(k_services, "registry keys", Status::warn,
          fmt::format("{} entr{} whose value names another instance than the key: {}",
                      odd.size(), odd.size() == 1 ? "y" : "ies", list(names)),
          "'aegis explore' shows them as 'mismatched key'; delete keys nobody owns: "
          "nats kv del service_registry KEY");
}

}  // namespace

void check_services(Run& r) {
    if (!r.conn || !r.jetstream) {
        r.skip(k_services, "services", "need NATS with JetStream");
        return;
    }
    try {
        nats::KeyValue::open(r.conn, "service_registry");
    } catch (const NotFoundError&) {
        r.skip(k_services, "services", "no registry yet");
        return;
    }
    try {
        registry::Registry reg(r.conn);
        registry::ListOptions lo;
        lo.include_stale = true;
        lo.stale_after = r.options.stale_after;
        lo.include_mismatched = true;
        std::vector<registry::Listed> all, odd;
        for (auto& l : reg.list(lo)) (l.mismatched_key ? odd : all).push_back(std::move(l));
        std::vector<registry::Listed> live;
        std::set<std::string> services;
        for (auto& l : all)
            if (!l.stale) {
                live.push_back(l);
                services.insert(l.instance.service_name);
            }
        r.add(k_services, "registered", Status::ok,
              fmt::format("{}, {}{}", plural(services.size(), "service"),
                          plural(live.size(), "live instance"),
                          reg.unreadable_count()
                              ? fmt::format(", {} unreadable entries", reg.unreadable_count())
                              : ""));
        stale(r, all);
        mismatched(r, odd);
        leaders(r, live);
        ping(r, live);
    } catch (const Error& e) {
        r.add(k_services, "services", Status::fail, e.what(), "check the server's log");
    }
}

}  // namespace aegis::doctor
