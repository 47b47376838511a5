#include "core/history/checker.hpp"
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <algorithm>
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

// When each (scope, instance, term) stopped believing, by its own lease events.
using OwnEnds = std::unordered_map<std::string, const LeaseEvent*>;
std::string own_key(const std::string& sc, const std::string& instance, uint64_t term) {
    return sc + '\x1f' + instance + '\x1f' + std::to_string(term);
}

OwnEnds own_ends(const History& h) {
    OwnEnds ends;
    for (const auto& l : h.leases) {
        if (l.event != "lost" && l.event != "fenced" && l.event != "released") continue;
        auto& slot = ends[own_key(scope(l.service, l.group), l.instance, l.term)];
        if (!slot || l.t_us < slot->t_us) slot = &l;
    }
    return ends;
}

// Acquisitions of one scope sorted by term, with, for every suffix, the two earliest
// acquisitions by different instances: the first acquisition of a higher term by someone else
// is then one binary search away.
struct Acquisitions {
    std::vector<const LeaseEvent*> by_term;
    std::vector<std::pair<const LeaseEvent*, const LeaseEvent*>> earliest;  // suffix top two

    void build() {
        std::stable_sort(by_term.begin(), by_term.end(),
                         [](auto* a, auto* b) { return a->term < b->term; });
        earliest.assign(by_term.size() + 1, {nullptr, nullptr});
        for (size_t i = by_term.size(); i-- > 0;) {
            auto [best, second] = earliest[i + 1];
            const LeaseEvent* e = by_term[i];
            if (!best || e->t_us < best->t_us) {
                if (best && best->instance != e->instance) second = best;
                best = e;
            } else if (e->instance != best->instance && (!second || e->t_us < second->t_us)) {
                second = e;
            }
            earliest[i] = {best, second};
        }
    }
    // The earliest acquisition of a term above `term` by an instance other than `instance`.
    const LeaseEvent* superseding(uint64_t term, const std::string& instance) const {
        auto it = std::upper_bound(by_term.begin(), by_term.end(), term,
                                   [](uint64_t t, const LeaseEvent* e) { return t < e->term; });
        auto [best, second] = earliest[static_cast<size_t>(it - by_term.begin())];
        return best && best->instance != instance ? best : second;
    }
};

std::map<std::string, Acquisitions> acquisitions(const History& h) {
    std::map<std::string, Acquisitions> out;
    for (const auto& l : h.leases)
        if (l.event == "acquired") out[scope(l.service, l.group)].by_term.push_back(&l);
    for (auto& [k, a] : out) a.build();
    return out;
}

void find_stale(const History& h, Verdict& v) {
    auto ends = own_ends(h);
    auto acq = acquisitions(h);
    for (const auto& e : h.execs) {
        std::string sc = scope(e.service, e.group);
        if (e.term == 0) {
            hit(v.stale, Json::array({e.raw}));
            continue;
        }
        auto own = ends.find(own_key(sc, e.instance, e.term));
        if (own != ends.end() && own->second->t_us < e.start_us) {
            hit(v.stale, Json::array({own->second->raw, e.raw}));
            continue;
        }
        auto a = acq.find(sc);
        if (a == acq.end()) continue;
        if (const LeaseEvent* s = a->second.superseding(e.term, e.instance);
            s && s->t_us < e.start_us)
            hit(v.stale, Json::array({s->raw, e.raw}));
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
    for (const auto& a : h.acks) {
        auto it = facts.find(a.service);
        if (it == facts.end()) continue;  // nothing recorded for this service: not checkable
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
    auto ends = own_ends(h);
    auto acq = acquisitions(h);
    std::unordered_map<std::string, std::vector<const Exec*>> runs;
    for (const auto& e : h.execs)
        runs[own_key(scope(e.service, e.group), e.instance, e.term)].push_back(&e);
    std::vector<LeaderSpan> out;
    for (const auto& l : h.leases) {
        if (l.event != "acquired") continue;
        std::string sc = scope(l.service, l.group);
        LeaderSpan s{l.service, l.group, l.instance, l.term, l.t_us};
        if (auto own = ends.find(own_key(sc, l.instance, l.term)); own != ends.end()) {
            s.ended_us = own->second->t_us;
            s.end_event = own->second->event;
        }
        if (const LeaseEvent* by = acq[sc].superseding(l.term, l.instance))
            s.superseded_us = by->t_us;
        std::optional<int64_t> lost_at = s.ended_us;
        if (s.superseded_us && (!lost_at || *s.superseded_us < *lost_at)) lost_at = s.superseded_us;
        for (const Exec* e : runs[own_key(sc, l.instance, l.term)]) {
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
