#include "core/tool/monitor.hpp"
#include <map>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <cmath>

#include "core/tool/monitor_impl.hpp"
#include "core/util/error.hpp"

namespace aegis::tool {

using namespace monitor_detail;

Monitor::Monitor(std::shared_ptr<nats::Connection> conn, MonitorOptions options)
    : m(std::make_unique<Impl>()) {
    m->conn = std::move(conn);
    m->o = std::move(options);
    m->registry = std::make_unique<registry::Registry>(m->conn);
    m->cache = std::make_unique<registry::DiscoveryCache>(*m->registry);
    if (!m->cache->wait_ready())
        throw TimeoutError("the registry watch did not catch up within 5 s");
    m->scan_buckets(true);
    if (!m->o.events_subject.empty()) {
        m->events_sub = m->conn->subscribe(m->o.events_subject, [ev = m->events](nats::Msg& msg) {
            std::lock_guard lock(ev->mutex);
            ev->since_tick[std::string(msg.subject())]++;
            ev->seen++;
        });
    }
}

Monitor::~Monitor() {
    m->events_sub.unsubscribe();
    std::map<std::string, std::shared_ptr<Impl::BucketWatch>> buckets;
    {
        std::lock_guard lock(m->mutex);
        buckets.swap(m->buckets);
    }
    // Watch threads take the mutex: stop them without holding it.
    for (auto& [name, bw] : buckets)
        if (bw->watch) bw->watch->stop();
}

std::vector<Happening> Monitor::take_new() {
    std::lock_guard lock(m->mutex);
    std::vector<Happening> out;
    out.swap(m->fresh);
    return out;
}

std::vector<client::SrvReply> Monitor::Impl::stats_round(
    const std::vector<registry::Listed>& entries, std::chrono::milliseconds& took) {
    auto expected = std::make_shared<std::set<Key>>();
    for (const auto& e : entries)
        if (!e.stale && !e.mismatched_key && entry_sdk(e.instance) == "cpp")
            expected->insert({e.instance.service_name, e.instance.instance_id});
    client::SrvGather g;
    g.verbs = {client::SrvVerb::stats};
    g.window = o.stats_window;
    g.max_wait = o.stats_max_wait;
    g.settle = std::chrono::milliseconds(10);
    auto seen = std::make_shared<std::pair<size_t, std::set<Key>>>();
    g.complete = [expected, seen](const std::vector<client::SrvReply>& got) {
        for (; seen->first < got.size(); ++seen->first)
            seen->second.insert({json_str(got[seen->first].body, "name"),
                                 json_str(got[seen->first].body, "id")});
        if (expected->empty()) return false;
        for (const auto& k : *expected)
            if (!seen->second.count(k)) return false;
        return true;
    };
    auto sent = std::chrono::steady_clock::now();
    auto replies = client::srv_gather(*conn, g);
    took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 sent);
    rates.update(replies, sent);
    return replies;
}

// One round of grace for a registered instance whose STATS reply came late (so it does not
// flap to "ghost"); an instance that left the registry gets none. Called with the mutex held.
std::vector<client::SrvReply> Monitor::Impl::with_grace(std::vector<client::SrvReply> replies,
                                                const std::vector<registry::Listed>& entries) {
    std::map<Key, client::SrvReply> current;
    for (const auto& r : replies) current[{json_str(r.body, "name"), json_str(r.body, "id")}] = r;
    std::set<Key> registered;
    for (const auto& e : entries)
        if (!e.mismatched_key) registered.insert({e.instance.service_name, e.instance.instance_id});
    for (const auto& [k, r] : last_replies)
        if (!current.count(k) && registered.count(k)) replies.push_back(r);
    last_replies = std::move(current);
    return replies;
}

MonitorFrame Monitor::tick() {
    if (std::chrono::steady_clock::now() - m->last_rescan >= m->o.bucket_rescan)
        m->scan_buckets(false);
    registry::ListOptions lo;
    lo.include_stale = true;
    lo.include_mismatched = true;  // shown as such by the join
    lo.stale_after = m->o.stale_after;
    auto entries = m->cache->list(lo);
    std::chrono::milliseconds took{0};
    auto replies = m->stats_round(entries, took);

    std::lock_guard lock(m->mutex);
    replies = m->with_grace(std::move(replies), entries);
    std::vector<client::LeaderInfo> leaders;
    for (const auto& [k, slot] : m->leaders)
        if (slot.current) leaders.push_back(*slot.current);
    SnapshotOptions so;
    so.include_stale = true;
    so.stale_after = m->o.stale_after;
    so.lease_ttl = m->o.lease_ttl;
    auto snap = join_snapshot(std::move(entries), std::move(leaders), replies, so,
                              std::chrono::system_clock::now());
    m->diff_states(snap);
    m->drain_events();
    auto frame = m->build(snap);
    frame.took = took;
    m->ticks++;
    return frame;
}

MonitorFrame Monitor::Impl::build(const SystemSnapshot& snap) {
    MonitorFrame f;
    f.at = snap.taken_at;
    f.recent = recent;
    {
        std::lock_guard lock(events->mutex);
        f.events_seen = events->seen;
    }
    for (const auto& r : rates.rates())
        observed[{r.service, r.instance_id, r.endpoint}] = {r.observed_requests,
                                                            r.observed_errors};
    for (const auto& s : snap.services) {
        MonitorService ms;
        ms.name = s.name;
        ms.single_active = s.single_active;
        for (const auto& v : s.instances) {
            MonitorInstance mi;
            mi.view = v;
            for (const auto& r : rates.rates()) {
                if (r.service != v.service || r.instance_id != v.instance_id) continue;
                mi.endpoints.push_back(r);
                mi.total.add(r);
                ms.total.add(r);
            }
            ms.instances.push_back(std::move(mi));
        }
        for (const auto& g : s.groups) {
            MonitorGroup mg{g, 0};
            if (auto it = leaders.find(util::to_lower(s.name) + "\n" + g.group); it != leaders.end())
                mg.leader_changes = it->second.changes;
            ms.groups.push_back(std::move(mg));
        }
        f.services.push_back(std::move(ms));
    }
    return f;
}

Json Monitor::summary() const {
    std::lock_guard lock(m->mutex);
    auto ended = std::chrono::system_clock::now();
    Json endpoints = Json::array();
    std::map<std::string, std::pair<uint64_t, uint64_t>> per_service;
    for (const auto& [k, v] : m->observed) {
        const auto& [svc, id, ep] = k;
        endpoints.push_back({{"service", svc}, {"instance_id", id}, {"endpoint", ep},
                             {"requests", v.first}, {"errors", v.second}});
        per_service[svc].first += v.first;
        per_service[svc].second += v.second;
    }
    Json services = Json::array();
    for (const auto& [svc, v] : per_service)
        services.push_back({{"name", svc}, {"requests", v.first}, {"errors", v.second}});
    Json leaders = Json::array();
    for (const auto& [k, slot] : m->leaders) {
        auto nl = k.find('\n');
        leaders.push_back({{"service", k.substr(0, nl)}, {"group", k.substr(nl + 1)},
                           {"leader", slot.current ? Json(slot.current->instance_id) : Json()},
                           {"changes", slot.changes}});
    }
    Json events;
    {
        std::lock_guard ev_lock(m->events->mutex);
        events = {{"seen", m->events->seen}, {"by_subject", m->events->totals}};
    }
    double secs = std::chrono::duration<double>(ended - m->started_at).count();
    return {{"type", "summary"},
            {"started_at", wire::rfc3339_ms(m->started_at)},
            {"ended_at", wire::rfc3339_ms(ended)},
            {"duration_ms", std::round(secs * 1000)},
            {"ticks", m->ticks},
            {"services", services},
            {"endpoints", endpoints},
            {"leaders", leaders},
            {"events", events},
            {"happenings", m->kinds}};
}

}  // namespace aegis::tool
