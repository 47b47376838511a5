// aegis demo metrics-reader: a management client that never registers. It reads the metrics
// that services put in their registry metadata (aegis demo metrics, docs/protocol.md §9) and
// aggregates them per service.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <map>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/output/table.hpp"
#include "core/registry/registry.hpp"
#include "core/service/metrics.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

namespace {

struct ReaderOpts {
    std::string service;
    std::chrono::milliseconds watch{0};  // 0: read once
};

struct Aggregate {
    int instances = 0;
    double requests = 0, rps = 0, latency_weighted = 0, errors = 0, p99 = 0;
    double health = 101;
};

Json instance_json(const registry::Listed& l, const service::MetricsView& m) {
    return {{"service", l.instance.service_name}, {"instance_id", l.instance.instance_id},
            {"requests_total", m.requests_total}, {"requests_per_second", m.requests_per_second},
            {"average_latency_ms", m.average_latency_ms}, {"p95_latency_ms", m.p95_latency_ms},
            {"p99_latency_ms", m.p99_latency_ms}, {"error_rate", m.error_rate},
            {"cpu_usage_percent", m.cpu_usage_percent}, {"memory_usage_mb", m.memory_usage_mb},
            {"health_score", m.health_score < 0 ? Json() : Json(m.health_score)},
            {"performance_grade", m.performance_grade}, {"last_updated", m.last_updated}};
}

std::string f1(double x) { return fmt::format("{:.1f}", x); }
std::string f0(double x) { return fmt::format("{:.0f}", x); }

int read_once(Context& ctx, registry::Registry& reg, const ReaderOpts& o) {
    auto all = reg.list({.service = o.service});
    output::Table per({"SERVICE", "INSTANCE", "REQUESTS", "RPS", "AVG ms", "P95 ms", "P99 ms",
                       "ERR %", "CPU %", "MEM MB", "HEALTH", "GRADE"});
    std::map<std::string, Aggregate> agg;
    Json instances = Json::array();
    for (const auto& l : all) {
        auto m = service::read_metrics(l.instance.metadata);
        if (!m.present) continue;
        instances.push_back(instance_json(l, m));
        per.add({l.instance.service_name, l.instance.instance_id, f0(m.requests_total),
                 f1(m.requests_per_second), f1(m.average_latency_ms), f1(m.p95_latency_ms),
                 f1(m.p99_latency_ms), f1(m.error_rate), f1(m.cpu_usage_percent),
                 f1(m.memory_usage_mb), m.health_score < 0 ? "-" : f1(m.health_score),
                 m.performance_grade.empty() ? "-" : m.performance_grade});
        auto& a = agg[l.instance.service_name];
        a.instances++;
        a.requests += m.requests_total;
        a.rps += m.requests_per_second;
        a.latency_weighted += m.average_latency_ms * m.requests_total;
        a.errors += m.errors_total;
        a.p99 = std::max(a.p99, m.p99_latency_ms);
        if (m.health_score >= 0) a.health = std::min(a.health, m.health_score);
    }
    Json services = Json::array();
    output::Table sum({"SERVICE", "INSTANCES", "REQUESTS", "RPS", "AVG ms", "MAX P99 ms", "ERR %",
                       "MIN HEALTH"});
    for (auto& [name, a] : agg) {
        double avg = a.requests > 0 ? a.latency_weighted / a.requests : 0;
        double err = a.requests > 0 ? 100.0 * a.errors / a.requests : 0;
        Json h = a.health > 100 ? Json() : Json(a.health);
        services.push_back({{"service", name}, {"instances", a.instances},
                            {"requests_total", a.requests}, {"requests_per_second", a.rps},
                            {"average_latency_ms", avg}, {"max_p99_latency_ms", a.p99},
                            {"error_rate", err}, {"min_health_score", h}});
        sum.add({name, std::to_string(a.instances), f0(a.requests), f1(a.rps), f1(avg), f1(a.p99),
                 f1(err), h.is_null() ? "-" : f1(a.health)});
    }
    if (ctx.global.json) {
        ctx.print(Json{{"services", services}, {"instances", instances}}.dump() + "\n");
    } else if (instances.empty()) {
        ctx.print("no instance publishes metrics in its metadata (try 'aegis demo metrics')\n");
    } else {
        ctx.print(per.render() + "\n" + sum.render());
    }
    return 0;
}

int run_reader(Context& ctx, const ReaderOpts& o) {
    registry::Registry reg(ctx.nats("aegis demo metrics-reader"));
    if (o.watch.count() == 0) return read_once(ctx, reg, o);
    auto period = o.watch;
    do {
        if (!ctx.global.json) ctx.print(fmt::format("--- {}\n", wire::iso_now()));
        read_once(ctx, reg, o);
    } while (util::sleep_unless_stopped(period));
    return 0;
}

}  // namespace

void setup_metrics_reader(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<ReaderOpts>();
    auto* app = demo.add_subcommand("metrics-reader");
    app->add_option("service", o->service, "only this service");
    add_seconds_option(app, "--watch", o->watch, "repeat every N seconds (NDJSON with --json)",
                       {0.1, 3600, true})
        ->default_str("");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_reader(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
