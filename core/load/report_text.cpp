// The terminal form of a load report: a few labelled lines, the spread over instances and the
// per-second timeline. Instance ids, error codes and messages come from the network: they go
// through output::visible, as in every human-readable report.
#include <algorithm>
#include <cmath>
#include <vector>
#include <string>

#include <fmt/format.h>

#include "core/load/report.hpp"
#include "core/output/visible.hpp"

namespace aegis::load {

namespace {

std::string num(double v) { return v < 10 ? fmt::format("{:.2f}", v) : fmt::format("{:.1f}", v); }

std::string thousands(uint64_t n) {
    std::string d = std::to_string(n), out;
    for (size_t i = 0; i < d.size(); ++i) {
        if (i && (d.size() - i) % 3 == 0) out.push_back(',');
        out.push_back(d[i]);
    }
    return out;
}

std::string headline(const LoadReport& r) {
    std::string model =
        r.open_model ? fmt::format("open model, target {:.0f}/s", r.target_rps.value_or(0))
                     : fmt::format("closed model, {} in flight", r.concurrency);
    return fmt::format("{}.{}: {}, {} connection{}, {:.1f} s{}\n", r.service, r.method, model,
                       r.connections, r.connections == 1 ? "" : "s", r.elapsed_s,
                       r.interrupted ? " (interrupted)" : "");
}

std::string error_line(const LoadReport& r, const output::Style& st) {
    const Errors& e = r.errors;
    if (e.total() == 0) return "errors      none\n";
    std::string s;
    auto add = [&](const std::string& name, uint64_t n) {
        if (n) s += fmt::format("{}{} {}", s.empty() ? "" : " · ", name, thousands(n));
    };
    add("timeout", e.timeout);
    add("no_responders", e.no_responders);
    add("not_active", e.not_active);
    add("overloaded", e.overloaded);
    add("shutting_down", e.shutting_down);
    for (const auto& [code, n] : e.remote) add("remote " + output::visible(code), n);
    add("other", e.other);
    std::string out = "errors      " + st.red(s) + "\n";
    if (!e.first_other.empty()) out += "            e.g. " + output::visible(e.first_other) + "\n";
    return out;
}

std::string instances(const LoadReport& r) {
    if (r.by_instance.empty()) return "instances   none reported\n";
    uint64_t total = 0;
    size_t width = 0;
    for (const auto& [id, n] : r.by_instance) {
        total += n;
        width = std::max(width, output::visible(id).size());
    }
    std::string out;
    bool first = true;
    for (const auto& [id, n] : r.by_instance) {
        out += fmt::format("{}{:<{}}  {:>10}  {:5.1f}%\n", first ? "instances   " : "            ",
                           output::visible(id), width, thousands(n), 100.0 * n / total);
        first = false;
    }
    return out;
}

std::string timeline(const LoadReport& r, const output::Style& st) {
    std::string out = st.dim(fmt::format("{:>6}  {:>9}  {:>7}  {:>9}  {:>9}  {:>9}{}", "second",
                                         "ok", "errors", "p50 ms", "p99 ms", "max ms",
                                         r.open_model ? "  target/s" : "")) + "\n";
    for (const auto& s : r.timeline) {
        out += fmt::format("{:>6}  {:>9}  {:>7}  {:>9}  {:>9}  {:>9}", s.second, thousands(s.ok),
                           thousands(s.errors), num(s.p50_ms), num(s.p99_ms), num(s.max_ms));
        if (s.target_rps >= 0) out += fmt::format("  {:>8.0f}", s.target_rps);
        out += "\n";
    }
    return out;
}

// The generator's own CPU, and a warning when it, not the service, was the limit.
std::string generator_line(const LoadReport& r, const output::Style& st) {
    const GeneratorCpu& g = r.generator;
    std::string out = fmt::format("generator   CPU {:.2f} of {} cores · busiest thread {:.0f}%",
                                  g.cores, g.machine_cores, g.busiest_thread * 100);
    if (r.generator_us_per_call >= 0)
        out += fmt::format(" · {:.1f} us per call", r.generator_us_per_call);
    out += "\n";
    if (g.bound)
        out += "            " +
               st.yellow("the generator, not the service, limited this run: "
                         "spread it with --connections or run it on another machine") +
               "\n";
    return out;
}

}  // namespace

std::string render_text(const LoadReport& r, const std::vector<ThresholdResult>& thresholds,
                        const output::Style& st) {
    const auto& l = r.latency_ms;
    std::string out = st.bold(headline(r));
    out += fmt::format("requests    {} sent · {} ok · {} failed{}{}\n", thousands(r.requests),
                       thousands(r.ok), thousands(r.errors.total()),
                       r.unfinished ? fmt::format(" · {} unfinished", thousands(r.unfinished)) : "",
                       r.not_active_retries
                           ? fmt::format(" · {} NOT_ACTIVE retries", thousands(r.not_active_retries))
                           : "");
    out += fmt::format("throughput  {:.1f}/s", r.throughput_rps);
    if (r.target_rps)
        out += fmt::format(" (target {:.1f}/s, sent {:.1f}/s)", *r.target_rps, r.sent_rps);
    out += "\n";
    out += fmt::format("latency     p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  mean {} ms{}\n",
                       num(l.p50), num(l.p90), num(l.p99), num(l.p999), num(l.max), num(l.mean),
                       r.open_model ? " (from the intended send time)" : "");
    out += error_line(r, st) + instances(r) + generator_line(r, st) + "\n" + timeline(r, st);
    for (const auto& t : thresholds)
        out += fmt::format("threshold   {} {}: {} ({})\n", t.flag, t.limit,
                           t.ok ? st.green("ok") : st.red("BROKEN"), num(t.value));
    return out;
}

}  // namespace aegis::load
