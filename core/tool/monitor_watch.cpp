// Monitor's watchers: leader keys of every election bucket, events.> traffic, and the state
// changes between two ticks, all turned into happenings.
#include "core/tool/monitor_impl.hpp"
#include <map>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::tool {

using namespace monitor_detail;

void Monitor::Impl::on_leader(const std::string& bucket, const nats::KeyValue::WatchEvent& ev) {
    std::lock_guard lock(mutex);
    auto bw = buckets.find(bucket);
    if (bw == buckets.end()) return;
    if (!ev.entry) {
        bw->second->ready = true;
        return;
    }
    bool report = bw->second->ready || bw->second->report_initial;
    std::string service, group;
    if (!client::parse_leader_key(ev.entry->key, service, group)) return;
    LeaderSlot& slot = leaders[service + "\n" + group];
    std::string where = service + "/" + group;
    if (ev.entry->op != nats::KvOp::put) {
        if (slot.current && report)
            record({{}, "released", service, slot.current->instance_id,
                    "leader released " + where + " by " + slot.current->instance_id});
        slot.current.reset();
        return;
    }
    client::LeaderInfo l;
    try {
        l = client::parse_leader_value(ev.entry->value);
    } catch (const DataError&) {
        return;
    }
    l.bucket = bucket;
    l.service = service;
    l.group = group;
    l.revision = ev.entry->revision;
    if (l.instance_id != slot.last_instance) {
        if (report) {
            bool change = !slot.last_instance.empty();
            if (change) slot.changes++;
            record({{}, "leader", service, l.instance_id,
                    change ? "leader changed " + where + ": " + slot.last_instance + " → " +
                                 l.instance_id
                           : "leader elected " + where + ": " + l.instance_id});
        }
        slot.last_instance = l.instance_id;
    }
    slot.current = std::move(l);
}

void Monitor::Impl::scan_buckets(bool initial) {
    last_rescan = std::chrono::steady_clock::now();
    std::vector<std::string> names;
    try {
        names = nats::kv_bucket_names(*conn, "election_");
    } catch (const Error& e) {
        log::debug("monitor: cannot list election buckets: {}", e.what());
        return;
    }
    for (const auto& name : names) {
        {
            std::lock_guard lock(mutex);
            if (buckets.count(name)) continue;
            auto bw = std::make_shared<BucketWatch>();
            bw->report_initial = !initial;
            buckets[name] = bw;
        }
        try {
            auto kv = std::make_unique<nats::KeyValue>(nats::KeyValue::open(conn, name));
            auto watch = kv->watch("sticky-active.>", [this, name](const auto& ev) {
                on_leader(name, ev);
            });
            std::lock_guard lock(mutex);
            buckets[name]->kv = std::move(kv);
            buckets[name]->watch = std::move(watch);
        } catch (const Error& e) {
            log::debug("monitor: cannot watch '{}': {}", name, e.what());
        }
    }
}

void Monitor::Impl::drain_events() {
    std::map<std::string, uint64_t> counts;
    {
        std::lock_guard lock(events->mutex);
        counts.swap(events->since_tick);
        for (auto& [subject, n] : counts) events->totals[subject] += n;
    }
    for (auto& [subject, n] : counts)
        record({{}, "event", "", "",
                "events seen " + subject + (n > 1 ? " ×" + std::to_string(n) : "")});
}

void Monitor::Impl::diff_states(const SystemSnapshot& snap) {
    std::map<Key, InstanceState> now;
    size_t leaders_now = 0;
    for (const auto& s : snap.services) {
        for (const auto& g : s.groups) leaders_now += g.leader ? 1 : 0;
        for (const auto& v : s.instances) now[{v.service, v.instance_id}] = v.state;
    }
    if (ticks == 0) {
        record({{}, "start", "", "",
                "monitoring " + plural(snap.services.size(), "service") + ", " +
                    plural(now.size(), "instance") + ", " + plural(leaders_now, "leader")});
    } else {
        for (const auto& [k, st] : now) {
            auto it = prev_states.find(k);
            if (it == prev_states.end()) {
                record({{}, "joined", k.first, k.second,
                        "joined " + who(k) + " (" + state_name(st) + ")"});
                continue;
            }
            if (it->second == st) continue;
            using S = InstanceState;
            std::string text;
            std::string kind = state_name(st);
            if (st == S::stale) kind = "stale", text = "went stale " + who(k);
            else if (st == S::ghost) text = "stopped answering $SRV " + who(k);
            else if (st == S::unhealthy) text = "reported UNHEALTHY " + who(k);
            else if (it->second == S::stale) kind = "recovered", text = "recovered " + who(k);
            else if (it->second == S::ghost)
                kind = "answering", text = "answers $SRV again " + who(k);
            else text = who(k) + " is " + state_name(st) + " (was " + state_name(it->second) + ")";
            record({{}, kind, k.first, k.second, text});
        }
        for (const auto& [k, st] : prev_states)
            if (!now.count(k)) record({{}, "left", k.first, k.second, "left " + who(k)});
    }
    prev_states = std::move(now);
}

// One STATS round; it ends early once every fresh aegis instance of the registry answered.

}  // namespace aegis::tool
