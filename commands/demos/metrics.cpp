// aegis demo metrics: the metrics_collector.py of the Python quickstart, working — every
// --interval seconds it enriches its registry entry's metadata with `metrics`, `health_score`
// and `performance_grade` (docs/protocol.md §9). RPCs: get_metrics, reset_metrics, simulate_load.
#include <CLI/CLI.hpp>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include <cmath>
#include <random>
#include <thread>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "core/service/metrics.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

namespace {

struct MetricsOpts {
    std::string instance_id;
    int instance = default_instance_number();
    std::chrono::milliseconds interval{5000};
    std::chrono::milliseconds heartbeat{10000};
};

struct Collector {
    service::MetricsRecorder recorder;
    std::mutex mutex;  // sampler and the last report
    service::ProcessSampler sampler;
    Json last = Json::object();
    std::atomic<int> loads{0};
    std::atomic<bool> stopping{false};

    // The metadata written to the registry: metrics, health_score, performance_grade.
    Json report() {
        std::lock_guard lock(mutex);
        Json m = recorder.snapshot(sampler.sample());
        double score = service::health_score(m["error_rate"], m["average_latency_ms"],
                                             m["cpu_usage_percent"], m["memory_usage_mb"]);
        last = {{"metrics", m},
                {"health_score", std::round(score * 10) / 10},
                {"performance_grade",
                 service::performance_grade(m["average_latency_ms"], m["error_rate"])}};
        return last;
    }
};

// Synthetic requests for `seconds`: latency and error rate by intensity.
void simulate(const std::shared_ptr<Collector>& c, double seconds, const std::string& intensity) {
    struct Profile {
        int rps;
        double lo_ms, hi_ms, error;
    };
    Profile p = intensity == "high"     ? Profile{200, 40, 260, 0.08}
                : intensity == "medium" ? Profile{50, 15, 90, 0.02}
                                        : Profile{10, 3, 18, 0.005};
    std::mt19937 rng(std::random_device{}());
    std::uniform_real_distribution<double> lat(p.lo_ms, p.hi_ms), coin(0, 1), money(5, 500);
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    auto tick = std::chrono::milliseconds(100);
    while (std::chrono::steady_clock::now() < end && !c->stopping) {
        for (int i = 0; i < p.rps / 10; ++i)
            c->recorder.record(std::chrono::duration<double, std::milli>(lat(rng)),
                               coin(rng) >= p.error, money(rng));
        std::this_thread::sleep_for(tick);
    }
    --c->loads;
}

void add_rpcs(Service& svc, const std::shared_ptr<Collector>& c, int n) {
    // Every call is itself a request the collector measures.
    auto timed = [c](std::vector<std::string> accepted, auto fn) {
        return [c, fn, accepted](const Json& p) {
            auto t0 = std::chrono::steady_clock::now();
            bool ok = true;
            try {
                check_params(p, accepted);
                Json r = fn(p);
                c->recorder.record(std::chrono::steady_clock::now() - t0, true);
                return r;
            } catch (...) {
                ok = false;
                c->recorder.record(std::chrono::steady_clock::now() - t0, ok);
                throw;
            }
        };
    };
    svc.rpc("get_metrics", timed({}, [c](const Json&) {
        std::lock_guard lock(c->mutex);
        return c->last;
    }));
    svc.rpc("reset_metrics", timed({}, [c, n](const Json&) {
        c->recorder.reset();
        log::info("🔄 Instance #{} metrics reset", n);
        return Json{{"reset", true}};
    }));
    svc.rpc("simulate_load", timed({"duration", "intensity"}, [c, n](const Json& p) {
        double duration = param(p, "duration", 5.0);
        std::string intensity = param<std::string>(p, "intensity", "medium");
        if (duration <= 0 || duration > 300)
            throw std::invalid_argument("duration must be between 0 and 300 seconds");
        if (intensity != "low" && intensity != "medium" && intensity != "high")
            throw std::invalid_argument("intensity must be low, medium or high");
        ++c->loads;
        std::thread([c, duration, intensity] { simulate(c, duration, intensity); }).detach();
        log::info("🔥 Instance #{} simulating {} load for {} s", n, intensity, duration);
        return Json{{"started", true}, {"duration", duration}, {"intensity", intensity}};
    }));
}

int run_metrics(Context& ctx, const MetricsOpts& o) {
    ServiceOptions so;
    so.name = "metrics-collector";
    so.instance_id = o.instance_id;
    so.description = "Metrics collector (AegisSDK quickstart example)";
    so.heartbeat_interval = o.heartbeat;
    so.workers = 2;
    Service svc(ctx.nats("aegis demo metrics"), so);
    auto c = std::make_shared<Collector>();
    const int n = o.instance;
    add_rpcs(svc, c, n);
    svc.start();
    log::info("📊 Metrics collector #{} ({}) started: metadata enriched every {} s; RPCs "
              "get_metrics, reset_metrics, simulate_load",
              n, svc.instance_id(), util::seconds_text(o.interval));
    auto period = o.interval;
    do {
        Json r = c->report();
        for (auto& [k, v] : r.items()) svc.set_metadata(k, v);
        svc.heartbeat_now();  // the registry value carries it at once, not at the next beat
        const Json& m = r["metrics"];
        log::info("📊 Instance #{} metrics: {} requests, {} rps, avg {} ms, p95 {} ms, p99 {} ms, "
                  "errors {} %, cpu {} %, mem {} MB → health {}, grade {}",
                  n, m["requests_total"].dump(), m["requests_per_second"].dump(),
                  m["average_latency_ms"].dump(), m["p95_latency_ms"].dump(),
                  m["p99_latency_ms"].dump(), m["error_rate"].dump(),
                  m["cpu_usage_percent"].dump(), m["memory_usage_mb"].dump(),
                  r["health_score"].dump(), r["performance_grade"].get<std::string>());
    } while (util::sleep_unless_stopped(period));
    c->stopping = true;
    svc.stop();
    while (c->loads > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log::info("🛑 Metrics collector #{} stopped", n);
    return 0;
}

}  // namespace

void setup_metrics(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<MetricsOpts>();
    auto* app = demo.add_subcommand("metrics");
    add_seconds_option(app, "--interval", o->interval, "seconds between metadata updates",
                       {0.1, 3600});
    app->add_option("--instance-id", o->instance_id, "instance id (default metrics-collector-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    add_heartbeat_option(app, o->heartbeat);
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_metrics(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
