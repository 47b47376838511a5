// The figures of a cut trial (failover_analysis.hpp): the old leader was frozen or cut off from
// NATS while it kept running, and came back at the heal.
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/failover_cut.hpp"
#include "core/util/duration.hpp"

namespace aegis::scenario {

namespace {

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
                 const std::vector<LeaseEvent>& events, TrialReport& r) {
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
}

void apply_leader_spans(std::vector<TrialReport>& trials, const std::vector<TrialWindow>& windows,
                        const std::vector<history::LeaderSpan>& spans) {
    for (size_t i = 0; i < trials.size() && i < windows.size(); ++i) {
        TrialReport& t = trials[i];
        const TrialWindow& w = windows[i];
        if (!t.cut || w.trigger_us == 0) continue;
        // The old leader's leadership in force at the trigger: the latest acquired before it.
        const history::LeaderSpan* span = nullptr;
        for (const auto& s : spans)
            if (s.instance == w.old_leader && s.acquired_us <= w.trigger_us &&
                (!span || s.acquired_us > span->acquired_us))
                span = &s;
        if (!span) continue;
        t.after_loss = static_cast<int>(span->ran_after_loss);
        if (span->ended_us && *span->ended_us >= w.trigger_us)
            t.believed_ms = static_cast<double>(*span->ended_us - w.trigger_us) / 1000.0;
    }
}

}  // namespace aegis::scenario
