#include "core/scenario/failover_analysis.hpp"
#include <optional>
#include <vector>
#include <string>
#include "core/util/duration.hpp"
#include "core/util/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace aegis::scenario {

const char* call_state_name(CallState s) noexcept {
    switch (s) {
        case CallState::pending:
            return "pending";
        case CallState::ok:
            return "ok";
        case CallState::retried:
            return "retried";
        case CallState::failed:
            return "failed";
        case CallState::lost:
            return "lost";
    }
    return "?";
}

namespace {

void keep_earliest(std::optional<Mono>& slot, Mono t) {
    if (!slot || t < *slot) slot = t;
}

// Lease and event observations: detection, election and who won.
void lease_times(const TrialWindow& w, const std::vector<LeaseEvent>& events, TrialReport& r) {
    std::optional<Mono> detect, elected;
    for (const auto& e : events) {
        if (e.at < w.trigger || e.at > w.end) continue;
        using K = LeaseEvent::Kind;
        bool other = !e.instance.empty() && e.instance != w.old_leader;
        if (e.kind == K::released || (e.kind == K::lost_event && e.instance == w.old_leader))
            keep_earliest(detect, e.at);
        if (e.kind == K::held && other) {
            keep_earliest(detect, e.at);
            if (!elected || e.at < *elected) {
                elected = e.at;
                r.new_leader = e.instance;
            }
        }
    }
    if (detect) r.detect_ms = util::millis(*detect - w.trigger);
    if (elected) r.elected_ms = util::millis(*elected - w.trigger);
}

// Every successful reply in the window, in arrival order.
std::vector<Reply> replies_in(const TrialWindow& w, const std::vector<CallRecord>& calls) {
    std::vector<Reply> out;
    for (const auto& c : calls)
        for (const auto& s : c.successes)
            if (s.at >= w.start && s.at <= w.end) out.push_back(s);
    std::sort(out.begin(), out.end(), [](const Reply& a, const Reply& b) { return a.at < b.at; });
    return out;
}

void reply_times(const TrialWindow& w, const std::vector<CallRecord>& calls, TrialReport& r) {
    auto replies = replies_in(w, calls);
    std::optional<Mono> first_new;
    for (const auto& s : replies) {
        if (s.at < w.trigger) {
            if (s.instance != w.old_leader) ++r.split_brain;
            continue;
        }
        if (w.heal && s.instance == w.old_leader) continue;  // a held reply: failover_cut.cpp
        if (!first_new) {
            if (s.instance == w.old_leader) continue;  // in flight when the trigger came
            first_new = s.at;
            if (r.new_leader.empty()) r.new_leader = s.instance;
            r.first_success_ms = util::millis(s.at - w.trigger);
            if (s.instance != r.new_leader) ++r.split_brain;  // served while another held it
            continue;
        }
        if (s.instance != r.new_leader) ++r.split_brain;
    }
}

// Service side: how often each message id was started, and calls started under an older term
// after a newer term had started one (records in arrival order).
struct RunCount {
    int started = 0, done = 0;
};

void execution_counts(const TrialWindow& w, const std::vector<Execution>& runs, TrialReport& r,
                      std::map<std::string, RunCount>& counts) {
    uint64_t newest = 0;
    std::string newest_by;
    for (const auto& e : runs) {
        if (e.done) {
            ++counts[e.message_id].done;
            continue;
        }
        ++counts[e.message_id].started;
        bool in = e.at >= w.start && e.at <= w.end;
        if (in) ++r.executions;
        // A cut-off old leader's records arrive when the link heals, after its successor's:
        // their order says nothing (the history, with the instances' own times, judges them).
        if (w.heal && e.instance == w.old_leader) continue;
        if (e.term >= newest) {
            newest = e.term;
            newest_by = e.instance;
        } else if (in && e.instance != newest_by) {
            ++r.split_brain;
        }
    }
}

void call_counts(const TrialWindow& w, const std::vector<CallRecord>& calls,
                 const std::map<std::string, RunCount>& counts, TrialReport& r) {
    for (const auto& c : calls) {
        if (c.issued < w.start || c.issued >= w.end) continue;
        ++r.calls;
        r.max_attempts = std::max(r.max_attempts, c.attempts);
        auto it = counts.find(c.message_id);
        bool ran_twice = it != counts.end() && it->second.done > 1;
        if (ran_twice) ++r.service_duplicates;
        if (it != counts.end() && it->second.started > 1 && !ran_twice) ++r.reruns;
        if (c.successes.size() > 1 || ran_twice) ++r.duplicates;
        switch (c.state) {
            case CallState::ok:
                ++r.ok;
                break;
            case CallState::retried:
                ++r.retried;
                break;
            case CallState::failed:
                ++r.failed;
                break;
            case CallState::lost:
            case CallState::pending:
                ++r.lost;
                break;
        }
    }
}

}  // namespace

TrialReport analyse_trial(const TrialWindow& w, const std::vector<CallRecord>& calls,
                          const std::vector<LeaseEvent>& events,
                          const std::vector<Execution>& executions) {
    TrialReport r;
    r.number = w.number;
    r.kill = w.kill;
    r.old_leader = w.old_leader;
    lease_times(w, events, r);
    reply_times(w, calls, r);
    std::map<std::string, RunCount> counts;
    execution_counts(w, executions, r, counts);
    call_counts(w, calls, counts, r);
    if (w.heal) analyse_cut(w, calls, events, r);
    return r;
}

Percentiles percentiles(std::vector<double> v) {
    // 0.1 ms resolution, the precision the report prints.
    auto s = util::summarise(v, 10.0);
    Percentiles p;
    p.n = static_cast<int>(s.n);
    p.min = s.min;
    p.p50 = s.p50;
    p.p90 = s.p90;
    p.max = s.max;
    return p;
}

FailoverSummary summarise(const std::vector<TrialReport>& trials) {
    FailoverSummary s;
    std::vector<double> detect, elected, first, believed, rejoin;
    for (const auto& t : trials) {
        ++s.trials;
        if (t.completed()) ++s.completed;
        if (t.detect_ms) detect.push_back(*t.detect_ms);
        if (t.elected_ms) elected.push_back(*t.elected_ms);
        if (t.first_success_ms) first.push_back(*t.first_success_ms);
        s.calls += t.calls;
        s.ok += t.ok;
        s.retried += t.retried;
        s.failed += t.failed;
        s.lost += t.lost;
        s.duplicates += t.duplicates;
        s.split_brain += t.split_brain;
        s.service_duplicates += t.service_duplicates;
        s.reruns += t.reruns;
        s.executions += t.executions;
        s.after_loss += t.after_loss;
        s.late_replies += t.late_replies;
        if (t.believed_ms) believed.push_back(*t.believed_ms);
        if (t.rejoin_ms) rejoin.push_back(*t.rejoin_ms);
    }
    s.believed_ms = percentiles(believed);
    s.rejoin_ms = percentiles(rejoin);
    s.detect_ms = percentiles(detect);
    s.elected_ms = percentiles(elected);
    s.first_success_ms = percentiles(first);
    return s;
}

namespace {
Json opt(const std::optional<double>& v) { return v ? Json(std::round(*v * 10) / 10) : Json(); }
double r1(double v) { return std::round(v * 10) / 10; }
}  // namespace

Json to_json(const TrialReport& t) {
    return Json{{"trial", t.number},
                {"kill", t.kill},
                {"old_leader", t.old_leader},
                {"new_leader", t.new_leader.empty() ? Json() : Json(t.new_leader)},
                {"detect_ms", opt(t.detect_ms)},
                {"elected_ms", opt(t.elected_ms)},
                {"first_success_ms", opt(t.first_success_ms)},
                {"calls", t.calls},
                {"ok", t.ok},
                {"retried", t.retried},
                {"failed", t.failed},
                {"lost", t.lost},
                {"duplicates", t.duplicates},
                {"split_brain", t.split_brain},
                {"service_duplicates", t.service_duplicates},
                {"reruns", t.reruns},
                {"executions", t.executions},
                {"max_attempts", t.max_attempts},
                {"cut_ms", opt(t.cut_ms)},
                {"believed_ms", opt(t.believed_ms)},
                {"rejoin_ms", opt(t.rejoin_ms)},
                {"after_loss", t.cut ? Json(t.after_loss) : Json()},
                {"late_replies", t.cut ? Json(t.late_replies) : Json()}};
}

Json to_json(const Percentiles& p) {
    if (p.n == 0) return Json{{"n", 0}};
    return Json{
        {"n", p.n}, {"min", r1(p.min)}, {"p50", r1(p.p50)}, {"p90", r1(p.p90)}, {"max", r1(p.max)}};
}

Json to_json(const FailoverSummary& s) {
    return Json{{"trials", s.trials},
                {"completed", s.completed},
                {"detect_ms", to_json(s.detect_ms)},
                {"elected_ms", to_json(s.elected_ms)},
                {"first_success_ms", to_json(s.first_success_ms)},
                {"calls", s.calls},
                {"ok", s.ok},
                {"retried", s.retried},
                {"failed", s.failed},
                {"lost", s.lost},
                {"duplicates", s.duplicates},
                {"service_duplicates", s.service_duplicates},
                {"reruns", s.reruns},
                {"executions", s.executions},
                {"split_brain", s.split_brain},
                {"after_loss", s.after_loss},
                {"late_replies", s.late_replies},
                {"believed_ms", to_json(s.believed_ms)},
                {"rejoin_ms", to_json(s.rejoin_ms)}};
}

}  // namespace aegis::scenario
