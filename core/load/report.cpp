#include "core/load/report.hpp"
#include <vector>
#include <string>

#include <cmath>

#include <fmt/format.h>

namespace aegis::load {

namespace {

double r3(double v) { return std::round(v * 1000) / 1000; }
double r1(double v) { return std::round(v * 10) / 10; }

Json errors_json(const Errors& e) {
    Json remote = Json::object();
    for (const auto& [code, n] : e.remote) remote[code] = n;
    return {{"timeout", e.timeout}, {"no_responders", e.no_responders},
            {"not_active", e.not_active}, {"overloaded", e.overloaded},
            {"shutting_down", e.shutting_down}, {"remote", remote}, {"other", e.other}};
}

// The generator's own CPU: `bound` says it, not the service, limited the run.
Json generator_json(const LoadReport& r) {
    const GeneratorCpu& g = r.generator;
    return {{"cpu_s", r3(g.cpu_s)},
            {"cores", r3(g.cores)},
            {"machine_cores", g.machine_cores},
            {"busiest_thread", r3(g.busiest_thread)},
            {"cpu_us_per_call",
             r.generator_us_per_call >= 0 ? Json(r3(r.generator_us_per_call)) : Json()},
            {"bound", g.bound}};
}

}  // namespace

double error_rate(const LoadReport& r) {
    uint64_t done = r.ok + r.errors.total();
    return done ? static_cast<double>(r.errors.total()) / static_cast<double>(done) : 0;
}

std::string nothing_succeeded(const LoadReport& r) {
    if (r.ok > 0) return {};
    uint64_t failed = r.errors.total();
    return failed ? fmt::format("no call succeeded ({} sent, {} failed)", r.requests, failed)
                  : fmt::format("no call succeeded ({} sent, none answered)", r.requests);
}

std::vector<ThresholdResult> check(const LoadReport& r, const Thresholds& t) {
    std::vector<ThresholdResult> out;
    if (t.max_p99_ms)
        out.push_back({"--max-p99-ms", *t.max_p99_ms, r.latency_ms.p99,
                       r.ok > 0 && r.latency_ms.p99 <= *t.max_p99_ms});
    if (t.max_error_rate)
        out.push_back({"--max-error-rate", *t.max_error_rate, error_rate(r),
                       error_rate(r) <= *t.max_error_rate});
    if (t.min_rps)
        out.push_back({"--min-rps", *t.min_rps, r.throughput_rps, r.throughput_rps >= *t.min_rps});
    return out;
}

Json to_json(const LoadReport& r, const std::vector<ThresholdResult>& thresholds) {
    const auto& l = r.latency_ms;
    Json timeline = Json::array();
    for (const auto& s : r.timeline) {
        Json row = {{"second", s.second}, {"ok", s.ok},          {"errors", s.errors},
                    {"p50_ms", r3(s.p50_ms)}, {"p99_ms", r3(s.p99_ms)}, {"max_ms", r3(s.max_ms)}};
        if (s.target_rps >= 0) row["target_rps"] = r1(s.target_rps);
        timeline.push_back(std::move(row));
    }
    Json th = Json::array();
    bool passed = true;
    for (const auto& t : thresholds) {
        th.push_back({{"threshold", t.flag.substr(2)}, {"limit", t.limit}, {"value", r3(t.value)},
                      {"ok", t.ok}});
        passed = passed && t.ok;
    }
    Json by = Json::object();
    for (const auto& [id, n] : r.by_instance) by[id] = n;
    return {{"service", r.service},
            {"method", r.method},
            {"model", r.open_model ? "open" : "closed"},
            {"concurrency", r.open_model ? Json() : Json(r.concurrency)},
            {"connections", r.connections},
            {"duration_ms", r1(r.elapsed_s * 1000)},
            {"requests", r.requests},
            {"ok", r.ok},
            {"failed", r.errors.total()},
            {"unfinished", r.unfinished},
            {"errors", errors_json(r.errors)},
            {"not_active_retries", r.not_active_retries},
            {"error_rate", std::round(error_rate(r) * 1e6) / 1e6},
            {"throughput_rps", r1(r.throughput_rps)},
            {"sent_rps", r1(r.sent_rps)},
            {"target_rps", r.target_rps ? Json(r1(*r.target_rps)) : Json()},
            {"latency_ms",
             {{"p50", r3(l.p50)}, {"p90", r3(l.p90)}, {"p99", r3(l.p99)}, {"p999", r3(l.p999)},
              {"max", r3(l.max)}, {"mean", r3(l.mean)}, {"min", r3(l.min)}}},
            {"histogram", report::to_json(r.histogram_ms)},
            {"by_instance", by},
            {"timeline", timeline},
            {"interrupted", r.interrupted},
            {"generator", generator_json(r)},
            {"thresholds", th},
            {"passed", passed}};
}

std::string progress_line(const Progress& p) {
    std::string total = std::isfinite(p.total_s) ? fmt::format("{:.0f}s", p.total_s) : "?";
    return fmt::format("{}{:.1f}s/{}  {:>8.0f}/s  p99 {:.2f} ms  {} errors",
                       p.warmup ? "warm-up " : "", p.elapsed_s, total, p.rps, p.snap.p99_ms,
                       p.snap.errors);
}

}  // namespace aegis::load
