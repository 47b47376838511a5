// The failover step: the measurement of `aegis failover --spawn N` (failover_run.hpp) on the
// run's own instances, judged by failover_verdict with the step's bounds.
#include "core/scenario/failover_verdict.hpp"
#include "core/scenario/failover_faults.hpp"
#include <fmt/format.h>
#include <chrono>
#include <string>
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"

namespace aegis::scenario {

namespace {

FailoverOptions failover_options(RunState& s, const Json& a) {
    FailoverOptions o;
    o.service = s.str(a, "service");
    o.spawn = a.value("spawn", 3);
    if (o.spawn < 1 || o.spawn > 20) throw StepFailed("failover.spawn must be 1–20");
    o.demo = s.str(a, "demo", "echo-single");
    o.method = "echo";  // the step spawns demos: echo is theirs unless `method` says otherwise
    o.kill = s.str(a, "kill", "crash");
    if (o.kill != "crash" && o.kill != "stop") throw StepFailed("failover.kill is crash or stop");
    o.fault = s.str(a, "fault", "");
    if (a.contains("kill") && !o.fault.empty())
        throw StepFailed("failover: give 'kill' or 'fault', not both");
    if (a.contains("fault_duration"))
        o.fault_min = o.fault_max = parse_duration(a["fault_duration"]);
    if (a.contains("latency")) o.latency = parse_duration(a["latency"]);
    if (a.contains("jitter")) o.jitter = parse_duration(a["jitter"]);
    o.method = s.str(a, "method", o.method);
    if (a.contains("params")) o.params = a["params"];
    o.method_hint = "the failover step calls '" + o.method + "': spawn a demo that serves it, "
                    "or name another with 'method'";
    o.trials = a.value("trials", 1);
    o.policy = s.str(a, "policy", "balanced");
    o.rate = a.value("rate", 50.0);
    o.duration = parse_duration(a.value("duration", Json("3s")));
    o.kill_after = std::min(o.duration / 2, std::chrono::milliseconds(1000));
    o.max_wait = parse_duration(a.value("max_wait", Json("10s")));
    o.retry.attempts = 8;
    o.retry.max_delay = std::chrono::milliseconds(1000);
    o.retry.retry_timeouts = true;  // the probe methods are idempotent per message id
    o.server = s.options.server;
    o.spawn_args = s.options.spawn_args;
    o.binary = s.options.binary;
    return o;
}

void step_failover(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto o = failover_options(s, a);
    auto r = run_failover(s.conn(), o);
    const auto& sum = r.summary;
    std::string prefix = s.str(a, "record", "failover");
    s.record(out, prefix, "trials", sum.trials);
    s.record(out, prefix, "completed", sum.completed);
    s.record(out, prefix, "calls", sum.calls);
    s.record(out, prefix, "lost", sum.lost);
    s.record(out, prefix, "duplicates", sum.duplicates);
    s.record(out, prefix, "split_brain", sum.split_brain);
    if (is_cut_fault(r.fault)) {
        s.record(out, prefix, "after_loss", sum.after_loss);
        s.record(out, prefix, "late_replies", sum.late_replies);
        if (sum.believed_ms.n > 0) s.record(out, prefix, "believed_ms", sum.believed_ms.max);
        if (sum.rejoin_ms.n > 0) s.record(out, prefix, "rejoin_ms", sum.rejoin_ms.max);
    }
    if (sum.first_success_ms.n > 0) {
        s.record(out, prefix, "first_success_ms", sum.first_success_ms.max);
        s.record(out, prefix, "detect_ms", sum.detect_ms.max);
    }
    std::string leaders;
    for (const auto& t : r.trials)
        leaders += fmt::format("{}{} → {}", leaders.empty() ? "" : ", ", t.old_leader,
                               t.new_leader.empty() ? "none" : t.new_leader);
    out.title = fmt::format(
        "failover of {} ({} × {}, {}, {} trial(s)): {}; first success {} ms, {} calls, {} lost, "
        "{} duplicates, split-brain {}",
        o.service, o.spawn, o.demo,
        r.fault == "kill" ? "SIGKILL" : r.fault == "term" ? "SIGTERM" : r.fault, sum.trials,
        leaders.empty() ? "no trial" : leaders,
        sum.first_success_ms.n ? fmt::format("{:.0f}", sum.first_success_ms.max) : "-", sum.calls,
        sum.lost, sum.duplicates, sum.split_brain);
    if (r.history) {
        const auto& h = *r.history;
        out.title += "; " + history::verdict_line(h);
        s.record(out, prefix, "history_ok", static_cast<double>(h.ok()));
        s.record(out, prefix, "history_executions", static_cast<double>(h.executions));
        s.record(out, prefix, "history_overlaps", static_cast<double>(h.overlaps.count));
        s.record(out, prefix, "history_stale", static_cast<double>(h.stale.count));
        s.record(out, prefix, "history_lost_acks", static_cast<double>(h.lost_acks.count));
        s.record(out, prefix, "history_duplicate_orders", static_cast<double>(h.duplicate_orders.count));
    }
    FailoverBounds b;
    if (a.contains("max_first_success_ms")) b.max_first_success_ms = a["max_first_success_ms"].get<double>();
    b.max_lost = a.value("max_lost", 0);
    b.max_split_brain = a.value("max_split_brain", 0);
    if (a.contains("max_duplicates")) b.max_duplicates = a["max_duplicates"].get<int>();
    auto why = failover_verdict(r, b);
    if (!why.empty()) throw StepFailed(fmt::format("{}", fmt::join(why, "; ")));
}

}  // namespace

StepFn failover_step(const std::string& kind) {
    return kind == "failover" ? step_failover : nullptr;
}

}  // namespace aegis::scenario
