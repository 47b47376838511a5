// aegis demo echo-single: the EchoSingleService of the Python quickstart
// (echo_single_service.py) as it was meant to work: one ACTIVE instance answers echo, the
// others stand by and take over when it stops or crashes. Every log line says who served what.
#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "commands/demos/demo.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "commands/demos/request_log.hpp"
#include "commands/demos/single_active_demo.hpp"
#include "core/util/log.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

void add_methods(SingleActiveService& svc, int n, std::shared_ptr<std::atomic<int>> count) {
    const std::string id = svc.instance_id();
    auto started = std::chrono::steady_clock::now();
    auto lines = std::make_shared<RequestLogLimit>();
    // "payload": the padding `aegis load --payload-bytes` adds, accepted and left unread.
    auto echo = [&svc, count, n, id, lines](const Json& p) {
        int k = ++*count;
        std::string message = param<std::string>(p, "message", "");
        if (auto left_out = lines->admit()) {
            if (*left_out)
                log::info("📨 #{} ({}) ACTIVE served {} more requests, not logged (at most {} "
                          "lines a second)", n, id, *left_out, lines->per_second());
            log::info("📨 #{} ({}) ACTIVE served echo request #{}: '{}'", n, id, k, message);
        }
        return Json{{"echo", message},
                    {"instance", n},
                    {"instance_id", id},
                    {"request_count", k},
                    {"role", "ACTIVE"},
                    {"term", svc.term()},
                    {"timestamp", wire::python_isoformat(std::chrono::system_clock::now())}};
    };
    svc.exclusive_rpc("echo", accepts({"message", "payload"}, echo));
    svc.rpc("status", accepts({}, [&svc, count, n, id, started](const Json&) {
        double up =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        auto leader = svc.leader_id();
        return Json{{"instance", n},
                    {"instance_id", id},
                    {"role", svc.is_leader() ? "ACTIVE" : "STANDBY"},
                    {"is_leader", svc.is_leader()},
                    {"leader_id", leader ? Json(*leader) : Json()},
                    {"request_count", count->load()},
                    {"failover_policy", svc.policy().mode},
                    {"uptime_seconds", up}};
    }));
    // A crash on purpose (no clean release): the standbys must notice the lease going stale.
    svc.exclusive_rpc("simulate_failure", accepts({"delay"}, [n, id](const Json& p) {
        double delay = param(p, "delay", 5.0);
        if (delay < 0 || delay > 300) throw std::invalid_argument("delay must be 0–300 seconds");
        log::warn("💥 #{} ({}) will crash in {} s (simulate_failure)", n, id, delay);
        std::thread([delay] {
            std::this_thread::sleep_for(std::chrono::duration<double>(delay));
            std::_Exit(1);
        }).detach();
        return Json{{"scheduled", true}, {"delay", delay}, {"instance_id", id}};
    }));
}

int run_echo_single(Context& ctx, const SingleDemoOptions& o) {
    auto svc = make_single_demo(ctx, o, "Single-active echo service (AegisSDK quickstart example)");
    auto count = std::make_shared<std::atomic<int>>(0);
    add_methods(*svc, o.instance, count);
    int rc =
        run_single_demo(*svc, o, "EchoSingleService", "echo, simulate_failure (exclusive), status");
    log::info("📊 Final stats for instance #{}: served {} echo requests", o.instance, count->load());
    return rc;
}

}  // namespace

void setup_echo_single(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<SingleDemoOptions>();
    auto* app = demo.add_subcommand("echo-single");
    add_single_demo_options(*app, *o, "echo-single-service");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_echo_single(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
