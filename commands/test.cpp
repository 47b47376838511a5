// aegis test [NAME ...]: run scenarios (built-in, or -f FILE) against the NATS every command
// finds, or against a nats-server of its own (--local); live step lines on stderr, a summary
// table (or --json) on stdout, JUnit XML for CI (--junit). The language: docs/scenarios.md.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <iostream>

#include "commands/context.hpp"
#include "commands/options.hpp"
#include "core/config/sdk_config.hpp"
#include "commands/report_file.hpp"
#include "core/report/reports_html.hpp"
#include "core/config/nats_url.hpp"
#include "core/output/visible.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/local_nats.hpp"
#include "core/scenario/report.hpp"
#include "core/scenario/runner.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

struct TestOpts {
    std::vector<std::string> names, tags, files, sets;
    std::string junit, html;
    bool junit_written = false;
    bool list = false, all = false, keep_going = false, local = false, keep_logs = false;
    std::chrono::milliseconds timeout{180000};
};

int list_scenarios(Context& ctx, const std::vector<scenario::Scenario>& all) {
    Json j = Json::array();
    std::string text;
    for (const auto& sc : all) {
        j.push_back({{"name", sc.name}, {"tags", sc.tags}, {"description", sc.description},
                     {"file", sc.file}, {"requires", sc.needs}});
        text += fmt::format("{:<20} {:<34} {}\n", sc.name, fmt::format("[{}]", fmt::join(sc.tags, ",")),
                            sc.description);
    }
    if (ctx.global.json) ctx.print_json(j);
    else ctx.print(text);
    return 0;
}

Json set_overrides(const std::vector<std::string>& sets) {
    Json o = Json::object();
    for (const auto& s : sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError("--set wants NAME=VALUE, not '" + s + "'");
        std::string v = s.substr(eq + 1);
        Json parsed = Json::parse(v, nullptr, false);
        o[s.substr(0, eq)] = parsed.is_discarded() || parsed.is_structured() ? Json(v) : parsed;
    }
    return o;
}

scenario::RunOptions run_options(Context& ctx, const TestOpts& o, scenario::LocalNats* local) {
    scenario::RunOptions r;
    r.conn = ctx.nats("aegis test");  // 69 when NATS is unreachable
    r.server = local ? local->url() : ctx.nats_url();
    r.local = local;
    r.keep_logs = o.keep_logs;
    r.timeout = o.timeout;
    r.overrides = set_overrides(o.sets);
    const auto& g = ctx.global;
    for (auto [flag, value] : {std::pair{"--config", &g.config_file}, {"--context", &g.context},
                               {"--creds", &g.creds}})
        if (!value->empty()) r.spawn_args.insert(r.spawn_args.end(), {flag, *value});
    const auto& k = ctx.config().k8s;
    r.kube = {k.kubectl, k.context, k.namespace_name};
    r.kubernetes = !local && ctx.resolution().port_forward != nullptr;
    r.kubernetes_reason = local ? "--local runs its own server, not a cluster's"
                                : "no Kubernetes cluster configured (NATS found via " +
                                      ctx.resolution().source + ")";
    auto err = ctx.err_style();
    r.on_scenario = [err](const scenario::Scenario& sc, const std::string& run_id) {
        std::cerr << err.bold("▶ " + sc.name) << err.dim(" (run " + run_id + ")") << "\n";
    };
    r.on_step = [err](const scenario::StepResult& s) { std::cerr << scenario::step_line(s, err); };
    return r;
}

// A name that ends in .yaml or .yml is a scenario file, as with -f (aegis test my.yaml).
void names_to_files(TestOpts& o) {
    std::vector<std::string> names;
    for (auto& n : o.names) {
        bool file = n.ends_with(".yaml") || n.ends_with(".yml");
        (file ? o.files : names).push_back(std::move(n));
    }
    o.names = std::move(names);
}

void write_junit(TestOpts& o, const std::vector<scenario::ScenarioResult>& results,
                 const std::string& error = {}) {
    if (o.junit.empty() || o.junit_written) return;
    o.junit_written = true;  // once, also when writing fails
    write_report_file(o.junit, scenario::junit_xml(results, error), "JUnit report");
}

int run_chosen(Context& ctx, TestOpts& o, std::vector<scenario::ScenarioResult>& results) {
    names_to_files(o);
    auto all = scenario::builtin_scenarios();
    for (const auto& f : o.files)
        for (auto& sc : scenario::load_scenario_file(f)) all.push_back(std::move(sc));
    if (o.list) return list_scenarios(ctx, all);
    bool only_files = o.names.empty() && o.tags.empty() && !o.all && !o.files.empty();
    std::vector<const scenario::Scenario*> chosen;
    if (only_files) {
        for (const auto& sc : all)
            if (!sc.builtin) chosen.push_back(&sc);
    } else {
        chosen = scenario::select_scenarios(all, o.names, o.tags, o.all);
    }
    if (chosen.empty())
        throw UsageError("no scenario selected", "name one, or use --tag T, --all, -f FILE "
                                                 "(see 'aegis test --list')");
    std::unique_ptr<scenario::LocalNats> local;
    if (o.local) local = std::make_unique<scenario::LocalNats>();
    if (local) ctx.global.server = local->url();
    auto ro = run_options(ctx, o, local.get());
    for (const auto* sc : chosen) {
        results.push_back(scenario::run_scenario(*sc, ro));
        const auto& r = results.back();
        if (r.status == scenario::Status::skipped)
            std::cerr << ctx.err_style().yellow("  - skipped: " + output::visible(r.skip_reason)) << "\n";
        if (!r.log_dir.empty()) std::cerr << ctx.err_style().dim("  logs kept in " + r.log_dir) << "\n";
        if (util::stop_requested() || (r.status == scenario::Status::failed && !o.keep_going)) break;
    }
    ro = {};
    ctx.release_nats();  // before --local's server stops: no "disconnected" warning
    write_junit(o, results);
    if (!o.html.empty())
        write_report_file(o.html, report::test_html(scenario::to_json(results)), "HTML report");
    if (ctx.global.json) ctx.print_json(scenario::to_json(results));
    else ctx.print(scenario::summary_table(results, ctx.out_style()));
    if (util::stop_requested()) return exit_code::interrupted;
    for (const auto& r : results)
        if (r.status == scenario::Status::failed) return exit_code::no;
    return exit_code::ok;
}

// With --junit the report is written whatever happens: a run that could not start or go on
// (NATS unreachable, an invalid file, a tag nothing has) is an <error> naming the cause, after
// the scenarios that ran. --list runs nothing and writes nothing.
int run_test(Context& ctx, TestOpts& o) {
    std::vector<scenario::ScenarioResult> results;
    try {
        return run_chosen(ctx, o, results);
    } catch (const std::exception& e) {
        if (o.list) throw;
        const auto* err = dynamic_cast<const Error*>(&e);
        std::string hint = err && !err->hint().empty() ? " (" + err->hint() + ")" : "";
        write_junit(o, results, std::string(e.what()) + hint);
        throw;
    }
}

}  // namespace

void setup_test(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<TestOpts>();
    auto* app = root.add_subcommand("test", "run scenarios that prove a deployment works (CI)");
    // The examples are the command table's (one "Examples:" section in every --help).
    app->footer(
        "Scenarios are YAML (docs/scenarios.md); the built-in ones are compiled in.\n"
        "Ctrl-C stops the steps; the run still removes what it created (a second Ctrl-C does\n"
        "not cut that short) and lists anything it could not remove.\n"
        "Exit codes: 0 all passed, 1 a scenario failed, 2 usage, 65 invalid scenario file,\n"
        "66 missing file, 69 NATS unreachable, 130 Ctrl-C.");
    app->add_option("names", o->names, "scenarios to run (see --list), or scenario files")
        ->type_name("SCENARIO");
    app->add_flag("--list", o->list, "list the scenarios: name, tags, description");
    app->add_flag("--all", o->all, "run every scenario (built-in and from -f files)");
    app->add_option("--tag", o->tags, "run the scenarios with this tag (repeatable)")
        ->type_name("TAG");
    app->add_option("-f,--file", o->files, "a scenario file of your own (repeatable)");
    app->add_option("--junit", o->junit, "write a JUnit XML report to FILE");
    app->add_option("--html", o->html, "write a self-contained HTML report to FILE");
    app->add_flag("--keep-going", o->keep_going, "run the remaining scenarios after a failure");
    add_seconds_option(app, "--timeout", o->timeout,
                       "seconds a scenario may take (unless it sets one)", {1, 86400});
    app->add_flag("--local", o->local,
                  "run against a nats-server of its own on a free loopback port, stopped after");
    app->add_option("--set", o->sets, "override a scenario variable: NAME=VALUE (repeatable)");
    app->add_flag("--keep-logs", o->keep_logs, "keep the spawned instances' logs");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_test(ctx, *o); }; });
}

}  // namespace aegis::cmd
