#include "core/history/checker.hpp"
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <algorithm>
#include <climits>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace aegis::history {

namespace {

std::string scope(const std::string& service, const std::string& group) {
    return service + '\x1f' + group;
}

void hit(Finding& f, Json first) {
    if (f.count++ == 0) f.first = std::move(first);
}

// The two latest-ending intervals seen so far that belong to different instances: enough to
// tell whether any earlier interval of *another* instance is still running.
struct TopTwo {
    const Exec* best = nullptr;
    const Exec* second = nullptr;  // a different instance than best
    void add(const Exec& e) {
        if (!best || e.end_us > best->end_us) {
            if (best && best->instance != e.instance) second = best;
            best = &e;
        } else if (e.instance != best->instance && (!second || e.end_us > second->end_us)) {
            second = &e;
        }
    }
    const Exec* other_than(const std::string& instance) const {
        return best && best->instance != instance ? best : second;
    }
};

void find_overlaps(const History& h, Verdict& v) {
    std::map<std::string, std::vector<const Exec*>> by_scope;
    for (const auto& e : h.execs) by_scope[scope(e.service, e.group)].push_back(&e);
    for (auto& [key, list] : by_scope) {
        std::stable_sort(list.begin(), list.end(), [](const Exec* a, const Exec* b) {
            return std::tie(a->start_us, a->end_us) < std::tie(b->start_us, b->end_us);
        });
        TopTwo top;
        for (const Exec* b : list) {
            const Exec* a = top.other_than(b->instance);
            // a started no later than b; they overlap when a ends after b starts and b ends
            // after a starts (equal starts with an empty b touch, they do not overlap).
            if (a && a->end_us > b->start_us && b->end_us > a->start_us)
                hit(v.overlaps, Json::array({a->raw, b->raw}));
            top.add(*b);
        }
    }
}

std::string own_key(const std::string& sc, const std::string& instance, uint64_t term) {
    return sc + '\x1f' + instance + '\x1f' + std::to_string(term);
}

bool by_time(const LeaseEvent* a, const LeaseEvent* b) { return a->t_us < b->t_us; }

// The lease events of the history, in time order: per (scope, instance, term) its acquisitions
// and its own ends (lost / fenced / released), and per scope every acquisition. A term is
// judged from the instance's latest acquisition of it, so a term number used again (a bucket
// created again after a server lost its store starts at revision 1) does not carry the old
// term's end or successors over.
struct Leases {
    std::unordered_map<std::string, std::vector<const LeaseEvent*>> acquired, ended;
    std::map<std::string, std::vector<const LeaseEvent*>> scope_acquired;

    explicit Leases(const History& h) {
        for (const auto& l : h.leases) {
            std::string sc = scope(l.service, l.group);
            if (l.event == "acquired") {
                acquired[own_key(sc, l.instance, l.term)].push_back(&l);
                scope_acquired[sc].push_back(&l);
            } else if (l.event == "lost" || l.event == "fenced" || l.event == "released") {
                ended[own_key(sc, l.instance, l.term)].push_back(&l);
            }
        }
        for (auto* m : {&acquired, &ended})
            for (auto& [k, v] : *m) std::stable_sort(v.begin(), v.end(), by_time);
        for (auto& [k, v] : scope_acquired) std::stable_sort(v.begin(), v.end(), by_time);
    }

    // The first event of `list` at or after `t`.
    static const LeaseEvent* first_from(const std::vector<const LeaseEvent*>& list, int64_t t) {
        auto it = std::lower_bound(list.begin(), list.end(), t,
                                   [](const LeaseEvent* e, int64_t v) { return e->t_us < v; });
        return it == list.end() ? nullptr : *it;
    }
    // When the instance last acquired `term` at or before `t` (INT64_MIN when never recorded:
    // the recording may have begun while it held the lease).
    int64_t held_since(const std::string& key, int64_t t) const {
        auto it = acquired.find(key);
        int64_t since = INT64_MIN;
        if (it == acquired.end()) return since;
        for (const LeaseEvent* a : it->second) {
            if (a->t_us > t) break;
            since = a->t_us;
        }
        return since;
    }
    // Its own first end of the term at or after `since`.
    const LeaseEvent* own_end(const std::string& key, int64_t since) const {
        auto it = ended.find(key);
        return it == ended.end() ? nullptr : first_from(it->second, since);
    }
    // The first acquisition of a higher term by another instance at or after `since`.
    const LeaseEvent* superseded(const std::string& sc, const std::string& instance,
                                 uint64_t term, int64_t since) const {
        auto it = scope_acquired.find(sc);
        if (it == scope_acquired.end()) return nullptr;
        const auto& list = it->second;
        auto from = std::lower_bound(list.begin(), list.end(), since,
                                     [](const LeaseEvent* e, int64_t v) { return e->t_us < v; });
        for (; from != list.end(); ++from)
            if ((*from)->term > term && (*from)->instance != instance) return *from;
        return nullptr;
    }
};

void find_stale(const History& h, Verdict& v) {
    Leases leases(h);
    for (const auto& e : h.execs) {
        std::string sc = scope(e.service, e.group);
        if (e.term == 0) {
            hit(v.stale, Json::array({e.raw}));
            continue;
        }
        std::string key = own_key(sc, e.instance, e.term);
        int64_t since = leases.held_since(key, e.start_us);
        const LeaseEvent* end = leases.own_end(key, since);
        const LeaseEvent* by = leases.superseded(sc, e.instance, e.term, since);
        // Ties (the same microsecond) count in the instance's favour.
        if (end && end->t_us < e.start_us)
            hit(v.stale, Json::array({end->raw, e.raw}));
        else if (by && by->t_us < e.start_us)
            hit(v.stale, Json::array({by->raw, e.raw}));
    }
}

struct ServiceFacts {
    std::unordered_set<std::string> executed;  // msg ids
    std::unordered_set<std::string> created;   // order ids from order records
    const Final* final = nullptr;              // the latest final listing
    std::unordered_set<std::string> listed;
    bool has_orders = false;
};

void find_lost_acks(const History& h, Verdict& v) {
    std::unordered_map<std::string, ServiceFacts> facts;
    for (const auto& e : h.execs)
        if (!e.msg_id.empty()) facts[e.service].executed.insert(e.msg_id);
    for (const auto& o : h.orders) {
        facts[o.service].created.insert(o.order_id);
        facts[o.service].has_orders = true;
    }
    for (const auto& f : h.finals) {
        auto& sf = facts[f.service];
        if (!sf.final || f.t_us >= sf.final->t_us) sf.final = &f;
    }
    for (auto& [s, sf] : facts)
        if (sf.final) sf.listed.insert(sf.final->order_ids.begin(), sf.final->order_ids.end());
    // Instances that record: an answer from one that does not (a leader this run did not
    // start) cannot be checked against records.
    std::unordered_set<std::string> recording;
    for (const auto& e : h.execs) recording.insert(e.instance);
    for (const auto& l : h.leases) recording.insert(l.instance);
    for (const auto& a : h.acks) {
        auto it = facts.find(a.service);
        if (it == facts.end()) continue;  // nothing recorded for this service: not checkable
        if (!a.instance.empty() && !recording.count(a.instance)) continue;
        const auto& sf = it->second;
        bool lost;
        if (!a.order_id.empty() && sf.final)
            lost = !sf.listed.count(a.order_id);
        else if (!a.order_id.empty() && sf.has_orders)
            lost = !sf.created.count(a.order_id);
        else if (!a.msg_id.empty() && !sf.executed.empty())
            lost = !sf.executed.count(a.msg_id);
        else
            continue;
        v.acks_checked = true;
        if (lost) hit(v.lost_acks, Json::array({a.raw}));
    }
}

void find_duplicate_orders(const History& h, Verdict& v) {
    std::map<std::pair<std::string, std::string>, std::vector<const Order*>> by_id;
    for (const auto& o : h.orders) by_id[{o.service, o.order_id}].push_back(&o);
    std::vector<std::vector<const Order*>> dups;
    for (auto& [id, list] : by_id) {
        if (list.size() < 2) continue;
        std::stable_sort(list.begin(), list.end(),
                         [](const Order* a, const Order* b) { return a->t_us < b->t_us; });
        dups.push_back(list);
    }
    // The first offence is the earliest second creation.
    std::stable_sort(dups.begin(), dups.end(),
                     [](auto& a, auto& b) { return a[1]->t_us < b[1]->t_us; });
    for (auto& d : dups) hit(v.duplicate_orders, Json::array({d[0]->raw, d[1]->raw}));
}

}  // namespace

std::vector<LeaderSpan> leader_spans(const History& h) {
    Leases leases(h);
    std::unordered_map<std::string, std::vector<const Exec*>> runs;
    for (const auto& e : h.execs)
        runs[own_key(scope(e.service, e.group), e.instance, e.term)].push_back(&e);
    std::vector<LeaderSpan> out;
    for (const auto& l : h.leases) {
        if (l.event != "acquired") continue;
        std::string sc = scope(l.service, l.group);
        std::string key = own_key(sc, l.instance, l.term);
        LeaderSpan s{l.service, l.group, l.instance, l.term, l.t_us};
        if (const LeaseEvent* end = leases.own_end(key, l.t_us)) {
            s.ended_us = end->t_us;
            s.end_event = end->event;
        }
        if (const LeaseEvent* by = leases.superseded(sc, l.instance, l.term, l.t_us))
            s.superseded_us = by->t_us;
        std::optional<int64_t> lost_at = s.ended_us;
        if (s.superseded_us && (!lost_at || *s.superseded_us < *lost_at)) lost_at = s.superseded_us;
        for (const Exec* e : runs[key]) {
            // Executions of this holding: from its acquisition (a term number used again later
            // belongs to the later holding).
            if (leases.held_since(key, e->start_us) != l.t_us) continue;
            s.last_exec_end_us = std::max(s.last_exec_end_us, e->end_us);
            if (lost_at && e->start_us > *lost_at) ++s.ran_after_loss;
        }
        if (s.superseded_us) {
            int64_t belief = s.ended_us.value_or(std::max(s.last_exec_end_us, *s.superseded_us));
            s.believed_after_us = std::max<int64_t>(0, belief - *s.superseded_us);
        }
        out.push_back(std::move(s));
    }
    return out;
}

bool Verdict::ok() const noexcept {
    return overlaps.count == 0 && stale.count == 0 && lost_acks.count == 0 &&
           duplicate_orders.count == 0;
}

Verdict check_history(const History& h) {
    Verdict v;
    v.executions = h.execs.size();
    v.lease_events = h.leases.size();
    v.orders = h.orders.size();
    v.acks = h.acks.size();
    v.malformed = h.malformed;
    std::set<std::string> instances;
    for (const auto& e : h.execs) instances.insert(e.instance);
    v.instances = instances.size();
    find_overlaps(h, v);
    find_stale(h, v);
    find_lost_acks(h, v);
    find_duplicate_orders(h, v);
    return v;
}

}  // namespace aegis::history
