// The figures of a cut trial (failover_analysis.hpp): the old leader was frozen or cut off from
// NATS while it kept running, and came back at the heal.
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/failover_analysis.hpp"
#include "core/util/duration.hpp"

namespace aegis::scenario {

namespace {

// The moment another instance was first seen holding the lease after the trigger.
std::optional<Mono> elected_at(const TrialWindow& w, const std::vector<LeaseEvent>& events) {
    std::optional<Mono> at;
    for (const auto& e : events)
        if (e.kind == LeaseEvent::Kind::held && e.at >= w.trigger && e.at <= w.end &&
            e.instance != w.old_leader && (!at || e.at < *at))
            at = e.at;
    return at;
}

// The old leader's own LeaderLost: when it judged its lease lost, and when that reached us.
const LeaseEvent* own_loss(const TrialWindow& w, const std::vector<LeaseEvent>& events) {
    for (const auto& e : events)
        if (e.kind == LeaseEvent::Kind::lost_event && e.own && e.instance == w.old_leader &&
            e.arrived >= w.trigger && e.arrived <= w.end)
            return &e;
    return nullptr;
}

}  // namespace

void analyse_cut(const TrialWindow& w, const std::vector<CallRecord>& calls,
                 const std::vector<LeaseEvent>& events, const std::vector<Execution>& executions,
                 TrialReport& r) {
    r.cut = true;
    r.expect_failover = w.expect_failover;
    r.cut_ms = util::millis(*w.heal - w.trigger);
    if (const LeaseEvent* lost = own_loss(w, events)) {
        r.believed_ms = std::max(0.0, util::millis(lost->at - w.trigger));
        r.rejoin_ms = std::max(0.0, util::millis(lost->arrived - *w.heal));
    }
    for (const auto& c : calls)
        for (const auto& s : c.successes)
            if (s.instance == w.old_leader && s.at >= w.trigger && s.at <= w.end)
                ++r.late_replies;
    auto elected = elected_at(w, events);
    if (!elected) return;  // it never lost the lease: whatever it ran, it ran as the leader
    Mono until = w.end;  // or until it won a new election
    for (const auto& e : events)
        if (e.kind == LeaseEvent::Kind::held && e.instance == w.old_leader && e.at > *elected &&
            e.at < until)
            until = e.at;
    for (const auto& e : executions)
        if (!e.done && e.instance == w.old_leader && e.ran_at && *e.ran_at > *elected &&
            *e.ran_at <= until)
            ++r.after_loss;
    r.split_brain += r.after_loss;
}

}  // namespace aegis::scenario
