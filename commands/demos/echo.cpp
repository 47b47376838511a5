// aegis demo echo: the EchoService of the Python quickstart (echo_service.py), load-balanced
// over the queue group rpc.echo-service so Python and C++ instances share calls.
#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include <atomic>
#include <thread>

#include "commands/demos/demo.hpp"
#include "commands/demos/request_log.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "core/service/quick_setup.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

struct EchoOpts {
    std::string service = "echo-service";
    std::string instance_id;
    int instance = default_instance_number();
    std::chrono::milliseconds heartbeat{10000};
};

int run_echo(Context& ctx, const EchoOpts& o) {
    ServiceOptions so;
    so.name = o.service;
    so.instance_id = o.instance_id;
    so.description = "Echo service (AegisSDK quickstart example)";
    so.heartbeat_interval = o.heartbeat;
    // Up to 4 delay_echo at once; echo and status have lanes of their own, so a flood of
    // delay_echo is answered OVERLOADED past its queue and never holds them up.
    so.workers = 4;
    Service svc(ctx.nats("aegis demo echo"), so);
    auto count = std::make_shared<std::atomic<int>>(0);
    auto started = std::chrono::steady_clock::now();
    const int n = o.instance;
    const std::string id = svc.instance_id();

    auto lines = std::make_shared<RequestLogLimit>();
    // "payload": the padding `aegis load --payload-bytes` adds, accepted and left unread.
    svc.rpc("echo", accepts({"message", "payload"}, [count, n, id, lines](const Json& p) {
        int k = ++*count;
        std::string message = param<std::string>(p, "message", "");
        if (auto left_out = lines->admit()) {
            if (*left_out)
                log::info("📨 Instance #{} ({}) handled {} more requests, not logged (at most {} "
                          "lines a second)", n, id, *left_out, lines->per_second());
            log::info("📨 Instance #{} ({}) handled echo request #{}: '{}'", n, id, k, message);
        }
        return Json{{"echo", message}, {"instance", n}, {"instance_id", id},
                    {"request_count", k}, {"timestamp", wire::python_isoformat(
                                                            std::chrono::system_clock::now())}};
    }));
    svc.rpc("status", accepts({}, [count, n, id, started](const Json&) {
        double up = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return Json{{"instance", n}, {"instance_id", id}, {"status", "healthy"},
                    {"request_count", count->load()}, {"uptime_seconds", up}};
    }));
    svc.rpc("delay_echo", accepts({"message", "delay", "payload"}, [count, n, id](const Json& p) {
        double delay = param(p, "delay", 1.0);
        if (delay < 0 || delay > 60) throw std::invalid_argument("delay must be between 0 and 60 seconds");
        std::string message = param<std::string>(p, "message", "");
        log::info("⏳ Instance #{} ({}) processing delayed echo (delay: {}s)", n, id, delay);
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
        int k = ++*count;
        return Json{{"echo", message}, {"instance", n}, {"instance_id", id}, {"delay", delay},
                    {"request_count", k}};
    }));
    svc.start();
    log::info("✅ EchoService instance #{} started: service {}, instance {}, "
              "pattern load-balanced, methods echo, status, delay_echo",
              n, o.service, id);
    util::wait_for_stop(nullptr);
    log::info("🛑 Stopping EchoService instance #{} (signal {})", n, util::stop_signal());
    svc.stop();
    log::info("📊 Final stats for instance #{}: handled {} requests", n, count->load());
    return 0;
}

}  // namespace

void setup_echo(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<EchoOpts>();
    auto* app = demo.add_subcommand("echo");
    app->add_option("--service", o->service, "service name")->capture_default_str();
    app->add_option("--instance-id", o->instance_id, "instance id (default <service>-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in results and logs (default: the process id)");
    add_heartbeat_option(app, o->heartbeat);
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_echo(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
