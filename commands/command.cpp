// aegis command send SERVICE COMMAND [JSON | key=value ...]: send an AegisSDK command through
// the COMMANDS work queue, show its progress as it arrives, print the result.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <iostream>

#include "commands/context.hpp"
#include "commands/help_text.hpp"
#include "commands/options.hpp"
#include "core/client/command_sender.hpp"
#include "core/output/visible.hpp"
#include "core/client/presence.hpp"
#include "core/tool/params.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/subjects.hpp"

namespace aegis::cmd {

namespace {

struct SendOpts {
    std::string service;
    std::string command;
    std::vector<std::string> args;
    std::string data;
    std::chrono::milliseconds timeout{300000};
    std::string priority = "normal";
    int max_retries = 3;
    bool no_wait = false;
    std::string format = "msgpack";
};

Json outcome_json(const CommandOutcome& r) {
    Json progress = Json::array();
    for (auto& p : r.progress)
        progress.push_back({{"progress", p.progress}, {"status", p.status}});
    Json j = {{"command_id", r.command_id}, {"subject", r.subject}, {"stream", r.ack.stream},
              {"seq", r.ack.seq}, {"status", r.completed ? r.status : "queued"}};
    if (r.completed) {
        j["result"] = r.completion.value("result", Json());
        if (r.completion.contains("error")) j["error"] = r.completion["error"];
        j["progress"] = progress;
        j["took_ms"] = r.took.count();
    }
    return j;
}

int run_send(Context& ctx, const SendOpts& o) {
    if (!o.data.empty() && !o.args.empty())
        throw UsageError("give the payload either as arguments or with --data, not both");
    wire::command_subject(o.service, o.command);  // exit 2 for a name that cannot be a subject
    Json payload = !o.data.empty() ? tool::params_from_data(o.data, std::cin)
                                   : tool::params_from_args(o.args);
    CommandSender sender(ctx.nats("aegis command send"), {},
                         o.format == "json" ? wire::Format::json : wire::Format::msgpack);
    SendCommandOptions so;
    so.priority = o.priority;
    so.timeout = o.timeout;
    so.max_retries = o.max_retries;
    so.wait = !o.no_wait;
    so.cancelled = [] { return util::stop_requested(); };
    auto es = ctx.err_style();
    const bool show = !ctx.global.quiet;
    so.on_progress = [&](const CommandProgressUpdate& u) {
        if (show)
            std::cerr << es.dim(fmt::format("  {:>5.1f}%  {}", u.progress,
                                            output::visible(u.status)))
                      << "\n";
    };
    if (!o.no_wait) {
        auto p = client::presence_of(ctx.nats(), o.service);
        if (p.known && p.live == 0 && show)
            std::cerr << es.yellow(fmt::format(
                             "aegis: warning: no instance of '{}' is registered{}; the command "
                             "waits in the queue until a handler takes it (up to {:g} s)",
                             o.service,
                             p.nearest.empty() ? "" : " (did you mean '" + p.nearest + "'?)",
                             o.timeout.count() / 1000.0))
                      << "\n";
    }
    so.on_waiting = [&](std::chrono::milliseconds waited) {
        if (show)
            std::cerr << es.dim(fmt::format("  waiting for '{}' to take it: {:.0f} s of {:g} s",
                                            o.service, waited.count() / 1000.0,
                                            o.timeout.count() / 1000.0))
                      << "\n";
    };
    auto r = sender.send(o.service, o.command, payload, so);
    if (ctx.global.json) {
        ctx.print_json(outcome_json(r));
    } else if (!r.completed) {
        ctx.print(fmt::format("queued {} as {} (stream {} seq {})\n", r.subject, r.command_id,
                              r.ack.stream, r.ack.seq));
    } else if (r.status != "failed") {
        Json result = r.completion.value("result", Json());
        ctx.print((ctx.stdout_tty() ? output::pretty_json(result, ctx.out_style())
                                    : result.dump(-1, ' ', false, Json::error_handler_t::replace)) +
                  "\n");
    }
    if (r.completed && show && !ctx.global.json)
        std::cerr << es.dim(fmt::format("← {} {} in {} ms ({} progress update(s))",
                                        output::visible(r.command_id), output::visible(r.status),
                                        r.took.count(), r.progress.size()))
                  << "\n";
    if (r.completed && r.status == "failed")
        throw RemoteError("command '" + o.service + "." + o.command +
                          "' failed: " + r.completion.value("error", std::string("unknown error")));
    return 0;
}

}  // namespace

void setup_command(CLI::App& root, Context& ctx) {
    auto* cmd = root.add_subcommand("command");
    cmd->require_subcommand(0, 1);
    auto o = std::make_shared<SendOpts>();
    auto* app = cmd->add_subcommand("send", "send a command, show progress and the result");
    app->footer("Payload: one JSON object, key=value pairs (as 'aegis call'), or -d @file.");
    add_exit_codes(*app, "0 completed; 1 the handler reported failure; 2 usage; 65 bad payload; "
                         "69 NATS or JetStream unavailable; 75 no completion in time (it stays "
                         "queued); 130 interrupted");
    add_examples(*app, "aegis command send batch-processor process_batch size=5\n"
                       "aegis command send batch-processor process_batch size=3 --no-wait");
    app->add_option("service", o->service, "target service, e.g. batch-processor")->required();
    app->add_option("command", o->command, "command name, e.g. process_batch")->required();
    app->add_option("payload", o->args, "JSON object or key=value pairs");
    app->add_option("-d,--data", o->data, "payload as JSON text, @file, or - for stdin");
    add_seconds_option(app, "-t,--timeout", o->timeout, "seconds to wait for the completion");
    app->add_option("--priority", o->priority, "low, normal, high or critical")
        ->check(CLI::IsMember({"low", "normal", "high", "critical"}))
        ->capture_default_str();
    app->add_option("--max-retries", o->max_retries, "retries the handler may use")
        ->capture_default_str()
        ->check(CLI::Range(0, 100));
    app->add_flag("--no-wait", o->no_wait, "return once the command is queued");
    app->add_option("--format", o->format, "envelope encoding")
        ->check(CLI::IsMember({"msgpack", "json"}))
        ->capture_default_str();
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_send(ctx, *o); }; });
}

}  // namespace aegis::cmd
