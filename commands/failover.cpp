// aegis failover SERVICE: measure how a single-active service fails over — detection, election,
// first success from the new leader, calls ok / retried / failed / lost, duplicates and
// split-brain per trial, then percentiles over trials. --spawn N starts the instances and kills
// the leader itself; --k8s deletes the leader's pod with kubectl; without either, the command
// waits for failovers made by someone else.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>
#include <iostream>

#include "commands/context.hpp"
#include "commands/options.hpp"
#include "core/history/checker.hpp"
#include "core/config/sdk_config.hpp"
#include "core/tool/params.hpp"
#include "core/output/table.hpp"
#include "core/output/visible.hpp"
#include "commands/report_file.hpp"
#include "core/report/picture.hpp"
#include "core/report/reports_html.hpp"
#include "core/scenario/failover_faults.hpp"
#include "core/scenario/failover_run.hpp"
#include "core/scenario/failover_verdict.hpp"
#include "core/util/command_line.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

struct FailoverOpts {
    scenario::FailoverOptions run;
    std::string data;
    std::chrono::milliseconds duration{0};  // 0: 3 s per trial with --spawn, 60 s without
    std::chrono::milliseconds kill_after{1000}, timeout{1000}, max_wait{30000}, max_delay{1000};
    double max_failover_ms = 0;
    bool no_retry = false;
    std::string spawn_cmd;
    std::string html;
    std::string fault_duration = "2";  // seconds, or MIN-MAX
    double latency_ms = 200, jitter_ms = 0;
};

// "2" or "1-5" (seconds): how long a fault lasts, a random length in the range per trial.
void parse_fault_duration(const std::string& text, scenario::FailoverOptions& r) {
    auto seconds = [&](const std::string& part) {
        try {
            size_t used = 0;
            double v = std::stod(part, &used);
            if (used == part.size() && v > 0 && v <= 3600)
                return std::chrono::milliseconds(static_cast<long>(v * 1000));
        } catch (const std::exception&) {
        }
        throw UsageError("--fault-duration '" + output::visible(text) +
                             "' is not SECONDS or MIN-MAX seconds (0 < s ≤ 3600)",
                         "e.g. --fault-duration 2 or --fault-duration 1-5");
    };
    auto dash = text.find('-');
    r.fault_min = seconds(text.substr(0, dash));
    r.fault_max = dash == std::string::npos ? r.fault_min : seconds(text.substr(dash + 1));
    if (r.fault_max < r.fault_min)
        throw UsageError("--fault-duration '" + output::visible(text) + "': MIN is above MAX");
}

// What a --spawn-cmd child needs to connect as we do, in its environment (the variables the
// SDK's configuration reads) — never on its command line, where `ps` shows it.
std::vector<std::pair<std::string, std::string>> child_connection_env(Context& ctx) {
    const auto& g = ctx.global;
    std::vector<std::pair<std::string, std::string>> env{{"AEGIS_NATS_URL", ctx.nats_url()}};
    if (!g.config_file.empty()) env.emplace_back("AEGIS_CONFIG", g.config_file);
    if (!g.context.empty()) env.emplace_back("AEGIS_CONTEXT", g.context);
    if (!g.creds.empty()) env.emplace_back("NATS_CREDS", g.creds);
    return env;
}

// Leader ids come from the election bucket: rendered visibly.
std::string short_id(const std::string& id, const std::string& service) {
    if (id.rfind(service + "-", 0) == 0) return "…" + output::visible(id.substr(service.size()));
    return id.empty() ? "?" : output::visible(id);
}

std::string ms(const std::optional<double>& v) { return v ? fmt::format("{:.0f}", *v) : "-"; }

// The cut-off leader (--fault stop and the network faults), one line.
std::string render_cut(const scenario::FailoverReport& r, const output::Style& st) {
    const auto& s = r.summary;
    auto q = [](const scenario::Percentiles& p) {
        return p.n ? fmt::format("p50 {:.0f} ms, max {:.0f} ms", p.p50, p.max) : "-";
    };
    return fmt::format(
        "cut-off leader: believed it led {} after the cut; ran {} after losing the lease; "
        "rejoined {} after the heal; {} late repl{} (held by the link)\n",
        q(s.believed_ms), s.after_loss ? st.red(fmt::format("{} calls", s.after_loss)) : "nothing",
        q(s.rejoin_ms), s.late_replies, s.late_replies == 1 ? "y" : "ies");
}

std::string render(const scenario::FailoverReport& r, const output::Style& st) {
    const bool cut = scenario::is_cut_fault(r.fault);
    std::vector<std::string> head{"trial", cut ? "fault" : "kill", "old leader", "new leader",
                                  "detect ms", "elected ms", "first ok ms", "calls", "ok",
                                  "retried", "failed", "lost", "dup", "split"};
    if (cut) head.insert(head.end(), {"cut ms", "led ms", "rejoin ms", "after loss"});
    output::Table t(head);
    for (const auto& x : r.trials) {
        std::vector<std::string> row{
            std::to_string(x.number), x.kill, short_id(x.old_leader, r.service),
            short_id(x.new_leader, r.service), ms(x.detect_ms), ms(x.elected_ms),
            ms(x.first_success_ms), std::to_string(x.calls), std::to_string(x.ok),
            std::to_string(x.retried), std::to_string(x.failed), std::to_string(x.lost),
            std::to_string(x.duplicates), std::to_string(x.split_brain)};
        if (cut)
            row.insert(row.end(), {ms(x.cut_ms), ms(x.believed_ms), ms(x.rejoin_ms),
                                   std::to_string(x.after_loss)});
        t.add(row);
    }
    const auto& s = r.summary;
    std::string out = t.render();
    out += fmt::format("\nfailover of '{}' ({}{}, {} trial{}, {} calls/s to '{}'):\n", r.service,
                       r.mode == "spawn"
                           ? fmt::format("{} instances, {}, {} ", r.instances,
                                         r.policy.empty() ? "their own policy"
                                                          : "policy " + r.policy,
                                         cut ? "fault" : "kill")
                           : r.mode == "k8s" ? "the leader's pod deleted, " : "",
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
    if (cut) out += render_cut(r, st);
    if (r.history) {  // counts only: no remote text in this line
        std::string line = history::verdict_line(*r.history);
        out += (r.history->ok() ? line : st.red(line)) + "\n";
    }
    return out;
}

// Exit 1 when no call succeeded, a call was lost, two leaders answered, a failover never
// completed or took longer than --max-failover-ms (the verdict the scenario step shares). Each
// reason the problems (already printed as warnings) do not give is named on stderr.
bool answer_is_no(Context& ctx, const FailoverOpts& o, const scenario::FailoverReport& r) {
    scenario::FailoverBounds b;
    if (o.max_failover_ms > 0) b.max_first_success_ms = o.max_failover_ms;
    auto why = scenario::failover_verdict(r, b);
    for (const auto& w : why)
        if (std::find(r.problems.begin(), r.problems.end(), w) == r.problems.end())
            std::cerr << ctx.err_style().red("aegis: " + output::visible(w)) << "\n";
    return !why.empty();
}

int run_failover_cmd(Context& ctx, FailoverOpts& o) {
    auto& r = o.run;
    using std::chrono::milliseconds;
    // Before anything is resolved or spawned: a name like 'x.*' makes every child die at start.
    scenario::check_failover_names(r);
    if (!o.data.empty()) r.params = tool::params_from_data(o.data, std::cin);
    if (!r.params.is_object()) throw UsageError("--data must be a JSON object");
    bool per_trial = r.spawn > 0 || r.k8s;
    r.duration = o.duration.count() > 0 ? o.duration : milliseconds(per_trial ? 3000 : 60000);
    r.kill_after = o.kill_after;
    r.attempt_timeout = o.timeout;
    r.max_wait = o.max_wait;
    r.retry.max_delay = o.max_delay;
    r.retry.retry_timeouts = true;  // the probe methods are idempotent per message id
    if (o.no_retry) r.retry.attempts = 1;
    r.retry.validate();
    parse_fault_duration(o.fault_duration, r);
    r.latency = milliseconds(static_cast<long>(o.latency_ms));
    r.jitter = milliseconds(static_cast<long>(o.jitter_ms));
    if (!r.fault.empty() && r.spawn == 0)
        throw UsageError("--fault needs --spawn N", "faults are made on instances this run starts");
    if (r.kill_after >= r.duration && per_trial)
        throw UsageError("--kill-after must be shorter than --duration");
    r.server = ctx.nats_url();
    const auto& g = ctx.global;
    for (auto [flag, value] : {std::pair{"--config", &g.config_file}, {"--context", &g.context},
                               {"--creds", &g.creds}})
        if (!value->empty()) r.spawn_args.insert(r.spawn_args.end(), {flag, *value});
    if (!o.spawn_cmd.empty()) {
        if (r.spawn == 0) throw UsageError("--spawn-cmd needs --spawn N");
        r.spawn_command = util::split_command(o.spawn_cmd);
        r.spawn_env = child_connection_env(ctx);
    }
    if (r.k8s) {  // kubectl as `aegis discover` runs it: the config's program and context
        const auto& k = ctx.config().k8s;
        r.kube = {k.kubectl, k.context, k.namespace_name};
    }
    scenario::check_failover_names(r);  // exit 2 before connecting
    auto report = scenario::run_failover(ctx.nats("aegis failover"), r);
    for (const auto& p : report.problems)
        std::cerr << ctx.err_style().yellow("aegis: warning: " + output::visible(p)) << "\n";
    if (!report.log_dir.empty())
        std::cerr << ctx.err_style().dim("instance logs kept in " + report.log_dir) << "\n";
    if (!o.html.empty())
        write_report_file(o.html, report::failover_html(scenario::to_json(report)), "HTML report");
    if (ctx.global.json)
        ctx.print_json(scenario::to_json(report));
    else
        ctx.print(render(report, ctx.out_style()) + "\n" +
                  report::failover_pictures(report, report::picture_for(1, ctx.out_style())));
    if (report.interrupted) return exit_code::interrupted;
    return answer_is_no(ctx, o, report) ? exit_code::no : exit_code::ok;
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
        "With --spawn the instances record every exclusive execution and lease event, and the\n"
        "history checker reports overlaps, executions on a lost lease, lost acknowledged calls\n"
        "and duplicate orders (the 'history:' line; docs/single-active.md).");
    auto& r = o->run;
    // 8 attempts, backoff capped at 1 s: 4.5 s of retry budget, more than a conservative
    // crash failover needs (docs/single-active.md).
    r.retry.attempts = 8;
    app->add_option("service", r.service, "single-active service, e.g. echo-single-service")
        ->required();
    app->add_option("--method", r.method,
                    "exclusive method to call (default: the service's exclusive method; of "
                    "several, echo)");
    app->add_option("-d,--data", o->data,
                    "params as JSON text, @file or - (default {\"message\":…})");
    app->add_option("--group", r.group, "single-active group")->capture_default_str();
    app->add_option("--rate", r.rate, "calls per second (open model)")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 10000.0));
    add_seconds_option(app, "--duration", o->duration,
                       "seconds to drive calls: per trial with --spawn (3), in total without (60)")
        ->default_str("");
    app->add_option("--trials", r.trials, "failovers to measure")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app->add_option("--spawn", r.spawn, "start N instances and kill their leader each trial")
        ->check(CLI::Range(2, 20));
    app->add_option("--demo", r.demo, "what --spawn starts")
        ->capture_default_str()
        ->check(CLI::IsMember({"echo-single", "order", "inventory"}));
    app->add_option("--spawn-cmd", o->spawn_cmd,
                    "with --spawn: start this command instead of a demo (split into words like a "
                    "shell, never run by one; {id} {n} = instance id, number; it gets "
                    "AEGIS_INSTANCE_ID and the connection in AEGIS_NATS_URL, ...)")
        ->excludes(app->get_option("--demo"));
    app->add_flag("--k8s", r.k8s,
                  "delete the leader's pod with kubectl each trial (pod from its registry "
                  "metadata; crash = --grace-period=0 --force)")
        ->excludes(app->get_option("--spawn"));
    auto* kill = app->add_option("--kill", r.kill,
                                 "older spelling: crash = --fault kill, stop = --fault term")
                     ->capture_default_str()
                     ->check(CLI::IsMember({"crash", "stop"}));
    app->add_option("--fault", r.fault,
                    "with --spawn: kill = SIGKILL, term = SIGTERM (clean hand-over), stop = "
                    "SIGSTOP until the heal; partition, latency, flap, slow-close = network faults "
                    "between the leader and NATS (a proxy per instance, loopback only)")
        ->check(CLI::IsMember(
            {"kill", "term", "stop", "partition", "latency", "flap", "slow-close"}))
        ->excludes(kill);
    app->add_option("--fault-duration", o->fault_duration,
                    "seconds a stop or network fault lasts, or MIN-MAX for a random length")
        ->capture_default_str();
    app->add_option("--latency", o->latency_ms, "--fault latency: delay each way, ms")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 60000.0));
    app->add_option("--jitter", o->jitter_ms, "--fault latency: up to this many ms more, random")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 60000.0));
    app->add_option("--policy", r.policy, "failover policy of spawned instances")
        ->capture_default_str()
        ->check(CLI::IsMember({"aggressive", "balanced", "conservative"}));
    add_seconds_option(app, "--kill-after", o->kill_after,
                       "seconds into a trial before the kill (+ random 0–0.5 s)", {0.1, 3600});
    add_seconds_option(app, "--timeout", o->timeout, "seconds to wait for one attempt's reply",
                       {0.01, 60});
    app->add_option("--attempts", r.retry.attempts, "attempts per call (retry budget)")
        ->capture_default_str()
        ->check(CLI::Range(1, 20));
    add_seconds_option(app, "--max-delay", o->max_delay, "cap of the retry backoff in seconds",
                       {0.1, 30});
    app->add_flag("--no-retry", o->no_retry,
                  "one attempt per call (see what clients without "
                  "retry lose)");
    add_seconds_option(app, "--max-wait", o->max_wait,
                       "seconds to wait for a new leader per trial", {1, 3600});
    app->add_option("--max-failover-ms", o->max_failover_ms,
                    "exit 1 when a trial's first success takes longer");
    app->add_flag("--keep-logs", r.keep_logs, "keep the spawned instances' logs");
    app->add_option("--history", r.history_file,
                    "history file to record acknowledged calls to and check at the end (give "
                    "your instances the same AEGIS_HISTORY_FILE; default with --spawn: one in "
                    "the run's log directory)");
    app->add_option("--html", o->html, "also write a self-contained HTML report to FILE");
    app->add_flag("--take-over", r.take_over,
                  "--spawn even when a leader this run did not start holds the group: wait for it "
                  "to stop");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_failover_cmd(ctx, *o); }; });
}

}  // namespace aegis::cmd
