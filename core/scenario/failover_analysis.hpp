#pragma once
// What `aegis failover` measures, computed from what it recorded (calls and lease/event
// observations) — pure functions, so the definitions are testable without NATS.
//
// Per trial, times count from the trigger (the kill; without --spawn, the old leader's last
// successful reply):
//   detect_ms         the loss became visible: the lease was deleted, a LeaderLost event
//                     (its lost_at), or another instance holding the lease — whichever first;
//   elected_ms        another instance holds the lease;
//   first_success_ms  the first successful reply from another instance.
// Calls issued in the trial's window: ok (first attempt), retried (ok after retries), failed
// (a definite error after the last attempt), lost (no answer to the last attempt);
// duplicates = calls answered successfully more than once, or — when the instances report the
// calls they run (failover_audit.hpp) — run to completion more than once on the service side
// (service_duplicates counts those alone; reruns counts calls started again after a run that
// never finished, i.e. interrupted by the kill and retried);
// Cut trials (--fault stop | partition | latency | flap | slow-close: the old leader keeps
// running, frozen or cut off from NATS, and comes back at the heal), failover_cut.cpp:
//   cut_ms        how long the fault lasted (trigger to heal);
//   believed_ms   how long the cut-off leader believed it led: from the trigger to the end of
//                 its leadership in the history (its own lost / fenced event; core/history),
//                 else to the moment its own LeaderLost event names;
//   rejoin_ms     from the heal to that event reaching us: the old leader is back on NATS and
//                 knows it is a standby;
//   after_loss    exclusive calls the old leader started after it was superseded or after its
//                 own loss, as the history shows (LeaderSpan::ran_after_loss) — fencing says 0
//                 (the history verdict fails the run on them as stale-lease executions);
//   late_replies  replies of the old leader that arrived after the trigger: replies the link
//                 held, to calls it ran before the cut (not split-brain by themselves: the
//                 service side says whether it ran anything after its loss).
// split_brain = successful replies from an instance other than the leader of the moment: before
// the trigger from anyone but the old leader, after the new leader's first success from anyone
// but the new leader; plus, on the service side, a call started under an older leadership term
// after one had started under a newer term (two leaders running calls).


#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::scenario {

using Mono = std::chrono::steady_clock::time_point;

enum class CallState { pending, ok, retried, failed, lost };
const char* call_state_name(CallState s) noexcept;

struct Reply {
    Mono at{};
    std::string instance;
};

struct CallRecord {
    std::string message_id;
    Mono issued{};
    int attempts = 0;
    CallState state = CallState::pending;
    Mono finished{};
    std::string last_error;
    std::vector<Reply> successes;  // every successful reply, late ones included
};

// One exclusive call an instance started running, as it reported it (arrival time here).
struct Execution {
    Mono at{};
    std::string message_id, instance;
    uint64_t term = 0;
    bool done = false;  // false: the call started; true: it finished
};

struct LeaseEvent {
    enum class Kind { held, released, lost_event, elected_event };
    Kind kind = Kind::held;
    Mono at{};
    std::string instance;  // holder (held), the instance named by the event
    Mono arrived{};        // when it reached us (events: `at` may be the moment they name)
    bool own = false;      // lost_event: the instance said so itself (not its successor)
};

struct TrialWindow {
    int number = 0;
    std::string kill;  // crash | stop | external
    Mono start{}, trigger{}, end{};
    std::string old_leader;
    std::optional<Mono> heal;  // cut trials: when the fault ended (the old leader came back)
    int64_t trigger_us = 0;    // the trigger on the realtime clock (the history's clock)
    bool expect_failover = true;  // false for latency: a slow leader may keep its lease
};

struct TrialReport {
    int number = 0;
    std::string kill;
    std::string old_leader, new_leader;
    std::optional<double> detect_ms, elected_ms, first_success_ms;
    int calls = 0, ok = 0, retried = 0, failed = 0, lost = 0, duplicates = 0, split_brain = 0;
    int service_duplicates = 0, reruns = 0, executions = 0;
    int max_attempts = 0;
    bool cut = false;  // a cut trial (see above)
    bool expect_failover = true;
    std::optional<double> cut_ms, believed_ms, rejoin_ms;
    int after_loss = 0, late_replies = 0;
    bool completed() const { return first_success_ms.has_value() || !expect_failover; }
};

struct Percentiles {
    int n = 0;
    double min = 0, p50 = 0, p90 = 0, max = 0;
};

struct FailoverSummary {
    int trials = 0, completed = 0;
    Percentiles detect_ms, elected_ms, first_success_ms;
    int calls = 0, ok = 0, retried = 0, failed = 0, lost = 0, duplicates = 0, split_brain = 0;
    // executions: runs started in the trials; 0 = the service reported none
    int service_duplicates = 0, reruns = 0, executions = 0;
    int after_loss = 0, late_replies = 0;
    Percentiles believed_ms, rejoin_ms;
};

TrialReport analyse_trial(const TrialWindow& w, const std::vector<CallRecord>& calls,
                          const std::vector<LeaseEvent>& events,
                          const std::vector<Execution>& executions = {});
// failover_cut.cpp: the figures of a cut trial (w.heal set).
void analyse_cut(const TrialWindow& w, const std::vector<CallRecord>& calls,
                 const std::vector<LeaseEvent>& events, TrialReport& r);
// Nearest-rank percentiles of the values present.
Percentiles percentiles(std::vector<double> values);
FailoverSummary summarise(const std::vector<TrialReport>& trials);

Json to_json(const TrialReport& t);
Json to_json(const Percentiles& p);
Json to_json(const FailoverSummary& s);

}  // namespace aegis::scenario
