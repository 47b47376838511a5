// aegis demo health: a health reporter. Custom checks beyond heartbeats (NATS round trip,
// memory, a simulated dependency, timer lag) run every --interval seconds and drive the
// registry status ACTIVE ↔ UNHEALTHY, with the details in metadata.health. RPCs: set_health
// (flip the simulated dependency), health (the last report).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/nats/connection.hpp"
#include "core/service/metrics.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/util/duration.hpp"

namespace aegis::cmd::demos {

namespace {

struct HealthOpts {
    std::string instance_id;
    int instance = default_instance_number();
    std::chrono::milliseconds interval{5000};
    double max_rtt_ms = 500;
    double max_memory_mb = 512;
    std::chrono::milliseconds heartbeat{10000};
};

struct Reporter {
    std::mutex mutex;
    bool dependency_ok = true;
    std::string dependency_reason = "reachable";
    Json last = Json::object();
    service::ProcessSampler sampler;
};

Json check(bool ok, std::string detail) { return {{"ok", ok}, {"detail", std::move(detail)}}; }

// Runs every check; the report written to metadata.health.
Json run_checks(Service& svc, Reporter& r, const HealthOpts& o, double lag_ms) {
    Json checks = Json::object();
    try {
        auto rtt = svc.connection()->rtt().count();  // whole milliseconds
        checks["nats"] = check(static_cast<double>(rtt) <= o.max_rtt_ms,
                               rtt < 1 ? std::string("round trip < 1 ms")
                                       : fmt::format("round trip {} ms", rtt));
    } catch (const std::exception& e) {
        checks["nats"] = check(false, e.what());
    }
    std::lock_guard lock(r.mutex);
    auto usage = r.sampler.sample();
    checks["memory"] = check(usage.memory_mb <= o.max_memory_mb,
                             fmt::format("{:.1f} MB resident (limit {:.0f})", usage.memory_mb,
                                         o.max_memory_mb));
    checks["dependency"] = check(r.dependency_ok, r.dependency_reason);
    checks["timer"] = check(lag_ms < 1000, fmt::format("check ran {:.0f} ms late", lag_ms));
    Json failing = Json::array();
    for (auto& [name, c] : checks.items())
        if (!c["ok"].get<bool>()) failing.push_back(name);
    r.last = {{"status", failing.empty() ? "ACTIVE" : "UNHEALTHY"},
              {"checks", checks},
              {"failing", failing},
              {"checked_at", wire::iso_now()}};
    return r.last;
}

void add_rpcs(Service& svc, const std::shared_ptr<Reporter>& r, int n) {
    svc.rpc("set_health", accepts({"healthy", "reason"}, [r, n](const Json& p) {
        if (!p.contains("healthy") || !p["healthy"].is_boolean())
            throw std::invalid_argument("give healthy=true or healthy=false");
        std::lock_guard lock(r->mutex);
        r->dependency_ok = p["healthy"].get<bool>();
        r->dependency_reason = p.value("reason", r->dependency_ok ? "reachable"
                                                                  : "unreachable (set_health)");
        log::info("🔧 Instance #{}: dependency set {} ({})", n,
                  r->dependency_ok ? "healthy" : "unhealthy", r->dependency_reason);
        return Json{{"dependency_ok", r->dependency_ok}, {"reason", r->dependency_reason},
                    {"note", "the status changes with the next check"}};
    }));
    svc.rpc("health", accepts({}, [r](const Json&) {
        std::lock_guard lock(r->mutex);
        return r->last;
    }));
}

int run_health(Context& ctx, const HealthOpts& o) {
    ServiceOptions so;
    so.name = "health-reporter";
    so.instance_id = o.instance_id;
    so.description = "Health reporter: custom checks drive the registry status";
    so.heartbeat_interval = o.heartbeat;
    Service svc(ctx.nats("aegis demo health"), so);
    auto r = std::make_shared<Reporter>();
    const int n = o.instance;
    add_rpcs(svc, r, n);
    svc.start();
    log::info("🩺 Health reporter #{} ({}) started: checks nats, memory, dependency, timer every "
              "{} s; RPCs set_health, health",
              n, svc.instance_id(), util::seconds_text(o.interval));
    auto period = o.interval;
    auto due = std::chrono::steady_clock::now();
    std::string status = "ACTIVE";
    do {
        double lag = util::millis(std::chrono::steady_clock::now() - due);
        Json report = run_checks(svc, *r, o, lag);
        std::string now = report["status"];
        svc.set_metadata("health", report);
        if (now != status) {
            log::info("🩺 Instance #{} status {} → {}{}", n, status, now,
                      report["failing"].empty() ? "" : " (failing: " + report["failing"].dump() + ")");
            status = now;
            svc.set_status(now);  // writes the registry at once
        } else {
            svc.heartbeat_now();
            log::debug("🩺 Instance #{} still {}", n, now);
        }
        due = std::chrono::steady_clock::now() + period;
    } while (util::sleep_unless_stopped(period));
    svc.stop();
    log::info("🛑 Health reporter #{} stopped", n);
    return 0;
}

}  // namespace

void setup_health(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<HealthOpts>();
    auto* app = demo.add_subcommand("health");
    add_seconds_option(app, "--interval", o->interval, "seconds between health checks",
                       {0.1, 3600});
    app->add_option("--max-rtt", o->max_rtt_ms, "NATS round trip limit in ms")->capture_default_str();
    app->add_option("--max-memory", o->max_memory_mb, "resident memory limit in MB")
        ->capture_default_str();
    app->add_option("--instance-id", o->instance_id, "instance id (default health-reporter-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    add_heartbeat_option(app, o->heartbeat);
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_health(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
