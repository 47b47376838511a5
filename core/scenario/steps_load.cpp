// The load step: the `aegis load` engine (core/load) at a fixed rate (open model) or with N calls
// in flight (closed model) for a duration, then its thresholds on error rate, p99 latency and
// throughput.
#include "core/load/engine.hpp"
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>
#include "core/load/report.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/signals.hpp"

namespace aegis::scenario {

namespace {

load::LoadOptions load_options(RunState& s, const Json& a) {
    load::LoadOptions o;
    double rate = a.value("rate", 0.0);
    int concurrency = a.value("concurrency", 0);
    if ((rate > 0) == (concurrency > 0))
        throw StepFailed("load needs either 'rate' (calls/s) or 'concurrency' (calls in flight)");
    o.duration_s = std::chrono::duration<double>(parse_duration(a["duration"])).count();
    if (rate > 0) o.schedule = load::Schedule::constant(rate, o.duration_s);
    else o.concurrency = concurrency;
    o.timeout = parse_duration(a.value("timeout", Json("2s")));
    o.payload.service = s.str(a, "service");
    o.payload.method = s.str(a, "method");
    o.payload.params = a.value("params", Json::object());
    o.payload.call.timeout = o.timeout;
    o.stop = [&s] { return util::stop_requested() || s.out_of_time(); };
    load::validate(o);
    return o;
}

load::Thresholds thresholds(const Json& a) {
    load::Thresholds t;
    if (a.contains("max_p99_ms")) t.max_p99_ms = a["max_p99_ms"].get<double>();
    if (a.contains("max_error_rate")) t.max_error_rate = a["max_error_rate"].get<double>();
    if (a.contains("min_throughput")) t.min_rps = a["min_throughput"].get<double>();
    return t;
}

}  // namespace

void step_load(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto o = load_options(s, a);
    auto r = load::run_load(s.conn(), o);
    std::string prefix = s.str(a, "record", "load");
    s.record(out, prefix, "sent", static_cast<double>(r.requests));
    s.record(out, prefix, "ok", static_cast<double>(r.ok));
    s.record(out, prefix, "failed", static_cast<double>(r.errors.total()));
    s.record(out, prefix, "error_rate", load::error_rate(r));
    s.record(out, prefix, "throughput", r.throughput_rps);
    s.record(out, prefix, "p50_ms", r.latency_ms.p50);
    s.record(out, prefix, "p99_ms", r.latency_ms.p99);
    s.record(out, prefix, "max_ms", r.latency_ms.max);
    s.record(out, prefix, "distinct_instances", static_cast<double>(r.by_instance.size()));
    out.title = fmt::format(
        "load {}.{} {} for {:g} s: {} sent, {} ok, {} failed, {:.0f}/s, p50 {:.2f} ms, "
        "p99 {:.2f} ms, {} instances",
        r.service, r.method,
        o.schedule ? fmt::format("at {:g}/s", o.schedule->peak_rps())
                   : fmt::format("with {} in flight", o.concurrency),
        o.duration_s, r.requests, r.ok, r.errors.total(), r.throughput_rps, r.latency_ms.p50,
        r.latency_ms.p99, r.by_instance.size());
    std::vector<std::string> broken;
    for (const auto& t : load::check(r, thresholds(a)))
        if (!t.ok) broken.push_back(fmt::format("{} {:g} (limit {:g})", t.flag, t.value, t.limit));
    std::string why = load::nothing_succeeded(r);  // fails the step with or without thresholds
    if (!broken.empty())
        why += fmt::format("{}thresholds not met: {}", why.empty() ? "" : "; ",
                           fmt::join(broken, "; "));
    if (!why.empty()) throw StepFailed(why);
}

}  // namespace aegis::scenario
