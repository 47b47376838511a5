// aegis load SERVICE METHOD [JSON | key=value ...]: a load test (closed or open model) that
// reports throughput, latency percentiles, errors by class and the spread over instances.
// The engine is core/load; this file parses, calls it once and renders.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <cmath>
#include <iostream>
#include <limits>

#include "commands/context.hpp"
#include "commands/options.hpp"
#include "commands/report_file.hpp"
#include "core/report/picture.hpp"
#include "core/report/reports_html.hpp"
#include "core/tool/params.hpp"
#include "core/load/report.hpp"
#include "core/output/style.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

struct LoadOpts {
    std::string service, method, data, out, html, format = "msgpack";
    std::vector<std::string> args;
    int concurrency = -1, connections = 1, retry_attempts = 10;  // -1: not given
    double rate = 0;
    std::string ramp, steps, spike;
    std::chrono::milliseconds duration{10000}, warmup{0}, timeout{5000};
    bool duration_given = false;
    uint64_t requests = 0;
    size_t payload_bytes = 0;
    bool no_retry = false;
    load::Thresholds thresholds;
};

Json params_of(const LoadOpts& o) {
    if (!o.data.empty() && !o.args.empty())
        throw UsageError("give params either as arguments or with --data, not both");
    if (!o.data.empty()) return tool::params_from_data(o.data, std::cin);
    if (o.args.size() == 1 && o.args[0] == "-") return tool::params_from_data("-", std::cin);
    return tool::params_from_args(o.args);
}

std::optional<load::Schedule> schedule_of(const LoadOpts& o, double duration_s) {
    int models = (o.rate > 0) + !o.ramp.empty() + !o.steps.empty();
    if (models > 1) throw UsageError("give one of --rate, --ramp and --steps");
    if (o.rate < 0) throw UsageError("--rate must be more than 0");
    if (models == 0 && !o.spike.empty()) throw UsageError("--spike needs --rate, --ramp or --steps");
    if (models == 0) return std::nullopt;
    if (o.concurrency >= 0) throw UsageError("--concurrency is the closed model; --rate/--ramp/--steps the open one");
    load::Schedule s = load::Schedule::constant(o.rate, duration_s);
    if (!o.ramp.empty()) {
        if (!std::isfinite(duration_s)) throw UsageError("--ramp needs --duration");
        auto [from, to] = load::parse_ramp(o.ramp);
        s = load::Schedule::ramp(from, to, duration_s);
    } else if (!o.steps.empty()) {
        s = load::Schedule::steps(load::parse_steps(
            o.steps, std::isfinite(duration_s) ? std::optional(duration_s) : std::nullopt));
    }
    if (!o.spike.empty()) {
        auto sp = load::parse_spike(o.spike);
        s.add_spike(sp.rps, sp.at_s, sp.for_s);
    }
    return s;
}

double load_seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

load::LoadOptions options_of(const LoadOpts& o) {
    load::LoadOptions lo;
    lo.payload.service = o.service;
    lo.payload.method = o.method;
    lo.payload.params = params_of(o);
    lo.payload.payload_bytes = o.payload_bytes;
    lo.payload.call.format = o.format == "json" ? wire::Format::json : wire::Format::msgpack;
    lo.timeout = o.timeout;
    lo.payload.call.timeout = lo.timeout;
    constexpr double k_inf = std::numeric_limits<double>::infinity();
    lo.duration_s = o.duration_given ? load_seconds(o.duration)
                    : o.requests     ? k_inf
                                     : load_seconds(o.duration);
    lo.requests = o.requests;
    lo.schedule = schedule_of(o, lo.duration_s);
    if (!o.steps.empty() && !o.duration_given) lo.duration_s = lo.schedule->length_s();
    lo.concurrency = o.concurrency >= 0 ? o.concurrency : 10;
    lo.warmup_s = load_seconds(o.warmup);
    lo.connections = o.connections;
    lo.retry_not_active = !o.no_retry;
    lo.retry.attempts = o.retry_attempts;
    lo.stop = [] { return util::stop_requested(); };
    return lo;
}

// 1 when a threshold is broken (named on stderr) or no call succeeded, 130 after Ctrl-C, 69/75
// when every call found no responder / timed out.
int verdict(const load::LoadReport& r, const std::vector<load::ThresholdResult>& th) {
    int rc = 0;
    for (const auto& t : th)
        if (!t.ok) {
            std::cerr << fmt::format("aegis: threshold {} {} broken (measured {:.3f})\n", t.flag,
                                     t.limit, t.value);
            rc = exit_code::no;
        }
    const std::string none = load::nothing_succeeded(r);
    if (rc && !none.empty()) throw Error(exit_code::no, none, "see the errors line of the report");
    if (rc) return rc;
    if (r.interrupted) return exit_code::interrupted;
    uint64_t done = r.ok + r.errors.total();
    if (r.ok == 0 && done > 0 && r.errors.no_responders == done)
        throw NoRespondersError("no responders for 'rpc." + r.service + "." + r.method + "'",
                                "is '" + r.service + "' running? try 'aegis explore'");
    if (r.ok == 0 && done > 0 && r.errors.timeout == done)
        throw TimeoutError("every call timed out", "raise --timeout, or check the service");
    // Errors alone do not fail a run (--max-error-rate does), but a run without one success
    // measured nothing.
    if (!none.empty()) throw Error(exit_code::no, none, "see the errors line of the report");
    return 0;
}

int run_load(Context& ctx, const LoadOpts& o) {
    if (o.service.empty() || o.method.empty())
        throw UsageError(o.service.empty() ? "missing SERVICE and METHOD" : "missing METHOD",
                         "aegis load SERVICE METHOD [JSON | key=value ...] [--rate R | -c C]");
    load::LoadOptions lo = options_of(o);
    load::validate(lo);
    bool live = output::is_tty(2) && !ctx.global.quiet;
    auto progress = [live](const load::Progress& p) {
        if (live) std::cerr << "\r\x1b[2K" << load::progress_line(p) << std::flush;
    };
    auto report = load::run_load(ctx.nats("aegis load"), lo, progress);
    if (live) std::cerr << "\r\x1b[2K" << std::flush;
    auto th = load::check(report, o.thresholds);
    Json doc = load::to_json(report, th);
    if (!o.out.empty()) write_report_file(o.out, doc.dump(2) + "\n", "JSON report");
    if (!o.html.empty()) write_report_file(o.html, report::load_html(doc), "HTML report");
    if (ctx.global.json) ctx.print_json(doc);
    else
        ctx.print(load::render_text(report, th, ctx.out_style()) + "\n" +
                  report::load_pictures(report, report::picture_for(1, ctx.out_style())));
    return verdict(report, th);
}

void add_thresholds(CLI::App* app, LoadOpts& o) {
    auto& t = o.thresholds;
    app->add_option_function<double>("--max-p99-ms", [&t](double v) { t.max_p99_ms = v; },
                                     "exit 1 when p99 latency is above this (ms)");
    app->add_option_function<double>("--max-error-rate", [&t](double v) { t.max_error_rate = v; },
                                     "exit 1 when failed/completed is above this (0–1)")
        ->check(CLI::Range(0.0, 1.0));
    app->add_option_function<double>("--min-rps", [&t](double v) { t.min_rps = v; },
                                     "exit 1 when throughput is below this (calls/s)");
}

}  // namespace

void setup_load(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<LoadOpts>();
    auto* app = root.add_subcommand("load", "load test an RPC method: rate or concurrency, "
                                            "percentiles, per-instance spread");
    app->footer(
        "Models: -c/--concurrency C keeps C calls in flight (closed, the default with C=10);\n"
        "--rate R sends R calls/s on a fixed clock (open; latency counts from the intended send\n"
        "time). Open schedules: --ramp FROM:TO, --steps 100,200,400 (each duration/N) or\n"
        "--steps 100:5s,200:10s, --spike RATE@AT/FOR (e.g. 1000@5s/2s). Durations: 10, 10s, 500ms, 2m.\n"
        "Params as for 'aegis call'; string values may hold {{seq}}, {{uuid}}, {{now}}.");
    app->add_option("service", o->service, "service name, e.g. echo-service");
    app->add_option("method", o->method, "method name, e.g. echo");
    app->add_option("params", o->args, "JSON object or key=value pairs");
    app->add_option("-d,--data", o->data, "params as JSON text, @file, or - for stdin");
    app->add_option("-c,--concurrency", o->concurrency, "calls in flight (closed model; default 10)");
    app->add_option("-r,--rate", o->rate, "calls per second (open model)");
    app->add_option("--ramp", o->ramp, "open model, rate from FROM to TO over the duration");
    app->add_option("--steps", o->steps, "open model, rates in steps: R1,R2,... or R1:DUR,...");
    app->add_option("--spike", o->spike, "RATE@AT/FOR: that rate for FOR from AT");
    auto* duration = add_seconds_option(app, "-z,--duration", o->duration,
                                        "how long to measure (without it and with -n: no limit)");
    app->add_option("-n,--requests", o->requests, "stop after N calls");
    add_seconds_option(app, "--warmup", o->warmup, "load before measuring, not counted",
                       {0.001, 7 * 24 * 3600.0, true});
    add_seconds_option(app, "-t,--timeout", o->timeout, "per-call timeout");
    app->add_option("--connections", o->connections, "NATS connections to spread calls over")
        ->capture_default_str();
    app->add_option("--payload-bytes", o->payload_bytes, "add a random string field 'payload'");
    app->add_option("--retry-attempts", o->retry_attempts,
                    "attempts per call while single-active standbys answer NOT_ACTIVE (1-20)")
        ->capture_default_str();
    app->add_flag("--no-retry-not-active", o->no_retry, "count NOT_ACTIVE as an error at once");
    app->add_option("--format", o->format, "request encoding")
        ->check(CLI::IsMember({"msgpack", "json"}))
        ->capture_default_str();
    app->add_option("-o,--out", o->out, "also write the JSON report to FILE");
    app->add_option("--html", o->html, "also write a self-contained HTML report to FILE");
    add_thresholds(app, *o);
    app->callback([o, &ctx, duration] {
        o->duration_given = duration->count() > 0;
        ctx.run = [o, &ctx] { return run_load(ctx, *o); };
    });
}

}  // namespace aegis::cmd
