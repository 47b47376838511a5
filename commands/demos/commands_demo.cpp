// aegis demo commands: a command handler, 'batch-processor'. Command process_batch works
// through `size` items, reporting progress on commands.progress.<id>, and completes on
// commands.callback.<id>; fail=N makes the first N attempts fail to show bounded redelivery.
// Send one with: aegis command send batch-processor process_batch size=5
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <thread>

#include "commands/demos/demo.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

namespace {

struct CmdOpts {
    std::string service = "batch-processor";
    std::string instance_id;
    int instance = default_instance_number();
    int item_ms = 200;
    int max_attempts = 3;
    std::chrono::milliseconds heartbeat{10000};
};

Json process_batch(const wire::Command& c, const CommandContext& ctx, int n, int item_ms) {
    int size = c.payload.value("size", 5);
    int fail = c.payload.value("fail", 0);
    if (size < 0 || size > 10000) throw std::invalid_argument("size must be 0..10000");
    std::string batch = c.payload.value("batch_id", c.header.message_id.substr(0, 8));
    log::info("⚙️  #{} ({}) processing batch {} ({} items, attempt {}/{}, from {})", n,
              ctx.instance_id, batch, size, ctx.attempt, ctx.max_attempts,
              c.header.source.value_or("-"));
    if (ctx.attempt <= fail) {
        ctx.progress(0, "starting");
        throw std::runtime_error(fmt::format("simulated failure on attempt {} (fail={})",
                                             ctx.attempt, fail));
    }
    for (int i = 1; i <= size; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(item_ms));
        ctx.progress(100.0 * i / size, fmt::format("item {}/{}", i, size));
    }
    log::info("✅ #{} finished batch {}", n, batch);
    return Json{{"processed", size}, {"batch_id", batch}, {"instance_id", ctx.instance_id},
                {"attempt", ctx.attempt}};
}

int run_commands(Context& ctx, const CmdOpts& o) {
    ServiceOptions so;
    so.name = o.service;
    so.instance_id = o.instance_id;
    so.description = "Command handler demo (process_batch with progress)";
    so.heartbeat_interval = o.heartbeat;
    Service svc(ctx.nats("aegis demo commands"), so);
    const int n = o.instance;
    CommandOptions co;
    co.max_attempts = o.max_attempts;
    co.retry_delay = std::chrono::milliseconds(500);
    const int item_ms = o.item_ms;
    svc.command("process_batch",
                accepts_command({"size", "fail", "batch_id"},
                                [n, item_ms](const wire::Command& c, const CommandContext& cc) {
                                    return process_batch(c, cc, n, item_ms);
                                }),
                co);
    svc.start();
    log::info("📨 Batch processor #{} ({}) handles commands.{}.process_batch "
              "(consumer {}-process_batch, up to {} attempts)",
              n, svc.instance_id(), o.service, o.service, o.max_attempts);
    util::wait_for_stop(nullptr);
    svc.stop();
    log::info("🛑 Batch processor #{} stopped", n);
    return 0;
}

}  // namespace

void setup_commands_demo(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<CmdOpts>();
    auto* app = demo.add_subcommand("commands");
    app->add_option("--item-ms", o->item_ms, "milliseconds per batch item")
        ->capture_default_str()
        ->check(CLI::Range(0, 60000));
    app->add_option("--max-attempts", o->max_attempts, "attempts per command before it fails")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app->add_option("--service", o->service, "service name")->capture_default_str();
    app->add_option("--instance-id", o->instance_id, "instance id (default <service>-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    add_heartbeat_option(app, o->heartbeat);
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_commands(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
