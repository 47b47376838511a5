// aegis failover SERVICE: measure how a single-active service fails over — detection, election,
// first success from the new leader, calls ok / retried / failed / lost, duplicates and
// split-brain per trial, then percentiles over trials. --spawn N starts the instances and kills
// the leader itself; without it, the command waits for failovers made by someone else.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands/context.hpp"
#include "core/tool/params.hpp"
#include "core/output/table.hpp"
#include "core/scenario/failover_verdict.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

struct FailoverOpts {
    scenario::FailoverOptions run;
    std::string data;
    double duration_s = 0;  // 0: 3 s per trial with --spawn, 60 s without
    double kill_after_s = 1.0, timeout_s = 1.0, max_wait_s = 30, max_delay_s = 1.0;
    double max_failover_ms = 0;
    bool no_retry = false;
};

std::string short_id(const std::string& id, const std::string& service) {
    if (id.rfind(service + "-", 0) == 0) return "…" + id.substr(service.size());
    return id.empty() ? "?" : id;
}

std::string ms(const std::optional<double>& v) { return v ? fmt::format("{:.0f}", *v) : "-"; }

std::string render(const scenario::FailoverReport& r, const output::Style& st) {
    output::Table t({"trial", "kill", "old leader", "new leader", "detect ms", "elected ms",
                     "first ok ms", "calls", "ok", "retried", "failed", "lost", "dup", "split"});
    for (const auto& x : r.trials)
        t.add({std::to_string(x.number), x.kill, short_id(x.old_leader, r.service),
               short_id(x.new_leader, r.service), ms(x.detect_ms), ms(x.elected_ms),
               ms(x.first_success_ms), std::to_string(x.calls), std::to_string(x.ok),
               std::to_string(x.retried), std::to_string(x.failed), std::to_string(x.lost),
               std::to_string(x.duplicates), std::to_string(x.split_brain)});
    const auto& s = r.summary;
    std::string out = t.render();
    out += fmt::format("\nfailover of '{}' ({}{}, {} trial{}, {} calls/s to '{}'):\n", r.service,
                       r.mode == "spawn"
                           ? fmt::format("{} instances, policy {}, kill ", r.instances, r.policy)
                           : "",
                       r.kill, s.trials, s.trials == 1 ? "" : "s", r.rate, r.method);
    output::Table p({"", "min", "p50", "p90", "max"});
    auto row = [&](const char* name, const scenario::Percentiles& q) {
        if (q.n == 0) return p.add({name, "-", "-", "-", "-"});
        p.add({name, fmt::format("{:.0f}", q.min), st.bold(fmt::format("{:.0f}", q.p50)),
               fmt::format("{:.0f}", q.p90), fmt::format("{:.0f}", q.max)});
    };
    row("detect_ms", s.detect_ms);
    row("elected_ms", s.elected_ms);
    row("first_success_ms", s.first_success_ms);
    out += p.render();
    std::string runs = s.executions > 0
                           ? fmt::format(" (service side: {} runs, {} finished twice, {} "
                                         "re-run after a kill interrupted them)",
                                         s.executions, s.service_duplicates, s.reruns)
                           : " (replies only: the instances report no runs)";
    out += fmt::format(
        "calls: {} ({} ok, {} retried, {} failed, {}), {} duplicate{}{}, "
        "split-brain: {}\n",
        s.calls, s.ok, s.retried, s.failed,
        s.lost ? st.red(fmt::format("{} lost", s.lost)) : "0 lost",
        s.duplicates ? st.red(std::to_string(s.duplicates)) : "0", s.duplicates == 1 ? "" : "s",
        runs, s.split_brain ? st.red(std::to_string(s.split_brain)) : st.green("none"));
    return out;
}

// Exit 1 when a call was lost, two leaders answered, a failover never completed or took longer
// than --max-failover-ms (the verdict the scenario step shares).
bool answer_is_no(const FailoverOpts& o, const scenario::FailoverReport& r) {
    scenario::FailoverBounds b;
    if (o.max_failover_ms > 0) b.max_first_success_ms = o.max_failover_ms;
    return !scenario::failover_verdict(r, b).empty();
}

int run_failover_cmd(Context& ctx, FailoverOpts& o) {
    auto& r = o.run;
    using std::chrono::milliseconds;
    auto to_ms = [](double s) { return milliseconds(static_cast<int64_t>(s * 1000)); };
    if (!o.data.empty()) r.params = client::params_from_data(o.data, std::cin);
    if (!r.params.is_object()) throw UsageError("--data must be a JSON object");
    r.duration = to_ms(o.duration_s > 0 ? o.duration_s : (r.spawn > 0 ? 3.0 : 60.0));
    r.kill_after = to_ms(o.kill_after_s);
    r.attempt_timeout = to_ms(o.timeout_s);
    r.max_wait = to_ms(o.max_wait_s);
    r.retry.max_delay = to_ms(o.max_delay_s);
    r.retry.retry_timeouts = true;  // the probe methods are idempotent per message id
    if (o.no_retry) r.retry.attempts = 1;
    r.retry.validate();
    if (r.kill_after >= r.duration && r.spawn > 0)
        throw UsageError("--kill-after must be shorter than --duration");
    r.server = ctx.nats_url();
    const auto& g = ctx.global;
    for (auto [flag, value] : {std::pair{"--config", &g.config_file}, {"--context", &g.context},
                               {"--creds", &g.creds}})
        if (!value->empty()) r.spawn_args.insert(r.spawn_args.end(), {flag, *value});
    auto report = scenario::run_failover(ctx.nats("aegis failover"), r);
    for (const auto& p : report.problems)
        std::cerr << ctx.err_style().yellow("aegis: warning: " + p) << "\n";
    if (!report.log_dir.empty())
        std::cerr << ctx.err_style().dim("instance logs kept in " + report.log_dir) << "\n";
    if (ctx.global.json)
        ctx.print_json(scenario::to_json(report));
    else
        ctx.print(render(report, ctx.out_style()));
    if (report.interrupted) return exit_code::interrupted;
    return answer_is_no(o, report) ? exit_code::no : exit_code::ok;
}

}  // namespace

void setup_failover(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<FailoverOpts>();
    auto* app =
        root.add_subcommand("failover");
    app->footer(
        "Drives exclusive calls at a fixed rate (open model, sticky retry keeping message ids),\n"
        "finds the leader in the election bucket, kills it (--spawn N) or waits for someone else\n"
        "to, and reports per trial: detect / elected / first-success times, calls ok / retried /\n"
        "failed / lost, duplicates and split-brain; then percentiles over trials.\n"
        "Exit codes: 0 ok, 1 a call was lost, split-brain, a failover did not complete or took\n"
        "longer than --max-failover-ms, 2 usage, 69 NATS or the service unavailable, 130 Ctrl-C.");
    auto& r = o->run;
    // 8 attempts, backoff capped at 1 s: 4.5 s of retry budget, more than a conservative
    // crash failover needs (docs/single-active.md).
    r.retry.attempts = 8;
    app->add_option("service", r.service, "single-active service, e.g. echo-single-service")
        ->required();
    app->add_option("--method", r.method, "exclusive method to call")->capture_default_str();
    app->add_option("-d,--data", o->data,
                    "params as JSON text, @file or - (default {\"message\":…})");
    app->add_option("--group", r.group, "single-active group")->capture_default_str();
    app->add_option("--rate", r.rate, "calls per second (open model)")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 10000.0));
    app->add_option("--duration", o->duration_s,
                    "seconds to drive calls: per trial with --spawn (3), in total without (60)");
    app->add_option("--trials", r.trials, "failovers to measure")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app->add_option("--spawn", r.spawn, "start N instances and kill their leader each trial")
        ->check(CLI::Range(2, 20));
    app->add_option("--demo", r.demo, "what --spawn starts")
        ->capture_default_str()
        ->check(CLI::IsMember({"echo-single", "order", "inventory"}));
    app->add_option("--kill", r.kill, "crash = SIGKILL, stop = SIGTERM (clean hand-over)")
        ->capture_default_str()
        ->check(CLI::IsMember({"crash", "stop"}));
    app->add_option("--policy", r.policy, "failover policy of spawned instances")
        ->capture_default_str()
        ->check(CLI::IsMember({"aggressive", "balanced", "conservative"}));
    app->add_option("--kill-after", o->kill_after_s,
                    "seconds into a trial before the kill (+ random 0–0.5 s)")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0));
    app->add_option("--timeout", o->timeout_s, "seconds to wait for one attempt's reply")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 60.0));
    app->add_option("--attempts", r.retry.attempts, "attempts per call (retry budget)")
        ->capture_default_str()
        ->check(CLI::Range(1, 20));
    app->add_option("--max-delay", o->max_delay_s, "cap of the retry backoff in seconds")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 30.0));
    app->add_flag("--no-retry", o->no_retry,
                  "one attempt per call (see what clients without "
                  "retry lose)");
    app->add_option("--max-wait", o->max_wait_s, "seconds to wait for a new leader per trial")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 3600.0));
    app->add_option("--max-failover-ms", o->max_failover_ms,
                    "exit 1 when a trial's first success takes longer");
    app->add_flag("--keep-logs", r.keep_logs, "keep the spawned instances' logs");
    app->add_flag("--take-over", r.take_over,
                  "--spawn even when a leader this run did not start holds the group: wait for it "
                  "to stop");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_failover_cmd(ctx, *o); }; });
}

}  // namespace aegis::cmd
