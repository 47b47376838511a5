// aegis validate: a doctor. One line per check ([✓] [!] [✗]) and an exact fix for each problem:
// config, Kubernetes, port-forward, NATS, auth, JetStream, buckets, streams, services, clock.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include "commands/context.hpp"
#include "commands/options.hpp"
#include "core/config/sdk_config.hpp"
#include "core/doctor/doctor.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"

namespace aegis::cmd {

namespace {

struct ValidateOpts {
    bool offline = false;
    std::chrono::milliseconds timeout{3000};
};

std::string mark(const output::Style& st, doctor::Status s) {
    switch (s) {
    case doctor::Status::ok: return st.green("[✓]");
    case doctor::Status::warn: return st.yellow("[!]");
    case doctor::Status::fail: return st.red("[✗]");
    case doctor::Status::skip: return st.dim("[-]");
    }
    return "[?]";
}

std::string human(const output::Style& st, const doctor::Report& rep) {
    std::string out, group;
    for (auto& c : rep.checks) {
        if (c.group != group) {
            out += (group.empty() ? "" : "\n") + st.bold(c.group) + "\n";
            group = c.group;
        }
        // Checks quote names, ids and messages from the network: rendered visibly.
        std::string name = output::visible(c.name);
        name.resize(std::max<size_t>(name.size(), 20), ' ');
        out += "  " + mark(st, c.status) + " " + name + " " + output::visible(c.message) + "\n";
        if (!c.fix.empty() && (c.status == doctor::Status::warn ||
                               c.status == doctor::Status::fail))
            out += std::string(27, ' ') + "fix: " + output::visible(c.fix) + "\n";
    }
    int warnings = rep.count(doctor::Status::warn);
    out += "\n" + fmt::format("{} checks: {} ok, {} warning{}, {} failed, {} skipped\n",
                              rep.checks.size(), rep.count(doctor::Status::ok), warnings,
                              warnings == 1 ? "" : "s", rep.count(doctor::Status::fail),
                              rep.count(doctor::Status::skip));
    return out;
}

// A bad config file is a failed check here, not the end: the rest runs on defaults + env.
config::SdkConfig load(Context& ctx, doctor::Options& o) {
    config::LoadOptions lo;
    lo.config_file = ctx.global.config_file;
    lo.context = ctx.global.context;
    lo.server = ctx.global.server;
    lo.creds_file = ctx.global.creds;
    try {
        return config::load_config(lo);
    } catch (const Error& e) {
        if (e.code() != exit_code::config && e.code() != exit_code::no_input) throw;
        o.config_error = e.what();
        o.config_error_fix = e.hint();
    }
    lo.read_file = false;
    lo.context.clear();
    return config::load_config(lo);
}

int run_validate(Context& ctx, const ValidateOpts& v) {
    doctor::Options o;
    o.offline = v.offline;
    o.timeout = v.timeout;
    auto cfg = load(ctx, o);
    auto report = doctor::run(cfg, o);
    if (ctx.global.json)
        ctx.print_json(doctor::to_json(report));
    else
        ctx.print(human(ctx.out_style(), report));
    return report.failed() ? exit_code::no : 0;
}

}  // namespace

void setup_validate(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<ValidateOpts>();
    auto* app = root.add_subcommand("validate");
    app->footer(
        "One line per check: [✓] ok, [!] warning, [✗] failed, [-] skipped, each problem with\n"
        "its fix. --offline runs only the config checks.\n"
        "Exit codes: 0 no check failed (warnings allowed), 1 a check failed.");
    app->add_flag("--offline", o->offline, "config checks only (no kubectl, no NATS)");
    add_seconds_option(app, "-t,--timeout", o->timeout, "seconds to wait for each NATS answer");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_validate(ctx, *o); }; });
}

}  // namespace aegis::cmd
