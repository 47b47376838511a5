// aegis events publish DOMAIN TYPE [JSON | key=value ...]: publish one AegisSDK event.
// aegis events tail [PATTERN ...]: the event stream monitor (events_tail.cpp).
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
#include "core/client/event_publisher.hpp"
#include "core/tool/params.hpp"
#include "core/util/error.hpp"

namespace aegis::cmd {

void setup_events_tail(CLI::App& events, Context& ctx);  // events_tail.cpp

namespace {

struct PublishOpts {
    std::string domain;
    std::string type;
    std::vector<std::string> args;
    std::string data;
    std::string source;
    std::string message_id;
    std::string version = "1.0";
    std::string format = "msgpack";
    std::chrono::milliseconds timeout{5000};
};

int run_publish(Context& ctx, const PublishOpts& o) {
    if (!o.data.empty() && !o.args.empty())
        throw UsageError("give the payload either as arguments or with --data, not both");
    check_event_names(o.domain, o.type);  // before connecting
    Json payload = !o.data.empty() ? tool::params_from_data(o.data, std::cin)
                                   : tool::params_from_args(o.args);
    auto fmt_ = o.format == "json" ? wire::Format::json : wire::Format::msgpack;
    EventPublisher pub(ctx.nats("aegis events publish"), o.source, fmt_);
    PublishOptions po;
    po.timeout = o.timeout;
    po.version = o.version;
    if (!o.message_id.empty()) po.message_id = o.message_id;
    auto ev = pub.make_event(o.domain, o.type, payload, po);
    auto ack = pub.publish(ev, po.timeout, po.attempts);
    std::string subject = "events." + o.domain + "." + o.type;
    if (ctx.global.json) {
        ctx.print_json({{"subject", subject}, {"message_id", ev.header.message_id},
                        {"stream", ack.stream}, {"seq", ack.seq}, {"duplicate", ack.duplicate},
                        {"format", wire::format_name(fmt_)}});
        return 0;
    }
    ctx.print(fmt::format("published {} → {} seq {}{} (message_id {})\n", subject, ack.stream,
                          ack.seq, ack.duplicate ? " (duplicate: already stored)" : "",
                          ev.header.message_id));
    return 0;
}

void setup_publish(CLI::App& events, Context& ctx) {
    auto o = std::make_shared<PublishOpts>();
    auto* app = events.add_subcommand("publish", "publish one event on events.DOMAIN.TYPE");
    app->footer("Payload: one JSON object, or key=value pairs (as 'aegis call'), or -d @file.");
    add_exit_codes(*app, "0 stored; 2 usage; 65 bad payload; 66 missing payload file; 69 NATS or "
                         "JetStream unavailable; 75 no ack from the stream");
    add_examples(*app, "aegis events publish orders created order_id=ORD-1 total_amount=99.5\n"
                       "aegis events publish system alerts '{\"alert_level\":\"CRITICAL\"}' "
                       "--format json");
    app->add_option("domain", o->domain, "event domain, e.g. orders")->required();
    app->add_option("type", o->type, "event type, e.g. created")->required();
    app->add_option("payload", o->args, "JSON object or key=value pairs");
    app->add_option("-d,--data", o->data, "payload as JSON text, @file, or - for stdin");
    app->add_option("--source", o->source, "the envelope's source (default null)");
    app->add_option("--message-id", o->message_id,
                    "reuse an id to retry safely (stored once: Nats-Msg-Id)");
    app->add_option("--version", o->version, "event schema version")->capture_default_str();
    app->add_option("--format", o->format, "envelope encoding")
        ->check(CLI::IsMember({"msgpack", "json"}))
        ->capture_default_str();
    add_seconds_option(app, "-t,--timeout", o->timeout, "seconds to wait for the stream's ack");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_publish(ctx, *o); }; });
}

}  // namespace

void setup_events(CLI::App& root, Context& ctx) {
    auto* app = root.add_subcommand("events");
    app->require_subcommand(0, 1);
    setup_publish(*app, ctx);
    setup_events_tail(*app, ctx);
}

}  // namespace aegis::cmd
