// aegis demo health-monitor: a management client that never registers. It watches the registry
// and flags instances that missed heartbeats, went stale, turned UNHEALTHY, recovered or left.
// Prints changes only (NDJSON with --json); --once prints the current state and exits 1 when
// anything is flagged.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <cmath>
#include <map>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/registry/registry.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/timefmt.hpp"
#include "core/output/visible.hpp"

namespace aegis::cmd::demos {

namespace {

struct MonitorOpts {
    std::string service;
    std::chrono::milliseconds interval{2000};
    std::chrono::milliseconds heartbeat{10000};  // for instances that do not declare theirs (Python ones)
    std::chrono::milliseconds grace{2000};
    std::chrono::milliseconds stale_after{35000};
    bool once = false;
};

struct Verdict {
    std::string state;  // ok | late | stale | unhealthy | gone
    int missed = 0;
    double age = 0;
    std::string status;
};

Verdict judge(const registry::Listed& l, const MonitorOpts& o) {
    Verdict v;
    v.age = l.age_seconds;
    v.status = l.instance.status;
    // Each instance by the interval it declared (metadata.heartbeat_interval_ms), else the flag's.
    double grace_s = o.grace.count() / 1000.0, every = o.heartbeat.count() / 1000.0;
    const Json& declared = l.instance.metadata.contains("heartbeat_interval_ms")
                               ? l.instance.metadata["heartbeat_interval_ms"]
                               : Json();
    if (declared.is_number() && declared.get<double>() > 0) every = declared.get<double>() / 1000;
    v.missed = std::max(0, static_cast<int>(std::floor((v.age - grace_s) / every)));
    v.state = l.stale ? "stale" : v.missed > 0 ? "late" : v.status == "UNHEALTHY" ? "unhealthy"
                                                                                  : "ok";
    return v;
}

std::string describe(const Verdict& v) {
    if (v.state == "gone") return "👋 gone (deregistered)";
    if (v.state == "stale")
        return fmt::format("💀 stale: no heartbeat for {:.0f} s ({} missed)", v.age, v.missed);
    if (v.state == "late")
        return fmt::format("⚠️  missed {} heartbeat(s): last one {:.1f} s ago", v.missed, v.age);
    if (v.state == "unhealthy") return "🔴 reports UNHEALTHY";
    return fmt::format("✅ healthy ({}, heartbeat {:.1f} s ago)", v.status, v.age);
}

void report(Context& ctx, const std::string& key, const Verdict& v) {
    if (ctx.global.json) {
        ctx.print(Json{{"time", wire::rfc3339_ms(std::chrono::system_clock::now())},
                       {"instance", key}, {"state", v.state}, {"status", v.status},
                       {"missed_heartbeats", v.missed},
                       {"heartbeat_age_s", std::round(v.age * 10) / 10}}
                      .dump() +
                  "\n");
        return;
    }
    ctx.print(fmt::format("{}  {:<44} {}\n", wire::rfc3339_ms(std::chrono::system_clock::now()),
                          output::visible(key), output::visible(describe(v))));
}

// One pass; returns how many instances are flagged. Reports changes against `last`.
int pass(Context& ctx, registry::Registry& reg, const MonitorOpts& o,
         std::map<std::string, Verdict>& last, bool report_all) {
    registry::ListOptions lo;
    lo.service = o.service;
    lo.include_stale = true;
    lo.stale_after = std::chrono::duration_cast<std::chrono::seconds>(o.stale_after);
    std::map<std::string, Verdict> now;
    int flagged = 0;
    for (const auto& l : reg.list(lo)) {
        std::string key = l.instance.service_name + "/" + l.instance.instance_id;
        Verdict v = judge(l, o);
        flagged += v.state != "ok";
        auto it = last.find(key);
        bool changed = it == last.end() || it->second.state != v.state ||
                       (v.state == "late" && it->second.missed != v.missed);
        if (report_all || changed) report(ctx, key, v);
        now[key] = v;
    }
    for (auto& [key, v] : last)
        if (!now.count(key)) report(ctx, key, Verdict{"gone", 0, v.age, v.status});
    last = std::move(now);
    return flagged;
}

int run_monitor(Context& ctx, const MonitorOpts& o) {
    registry::Registry reg(ctx.nats("aegis demo health-monitor"));
    std::map<std::string, Verdict> last;
    if (o.once) return pass(ctx, reg, o, last, true) > 0 ? exit_code::no : 0;
    if (!ctx.global.json)
        ctx.print(fmt::format("watching heartbeats{} (each by its declared interval, else {} s; stale after {} s); "
                              "Ctrl-C stops\n",
                              o.service.empty() ? "" : " of '" + o.service + "'",
                              util::seconds_text(o.heartbeat),
                              util::seconds_text(o.stale_after)));
    auto period = o.interval;
    do pass(ctx, reg, o, last, false);
    while (util::sleep_unless_stopped(period));
    return 0;
}

}  // namespace

void setup_health_monitor(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<MonitorOpts>();
    auto* app = demo.add_subcommand("health-monitor");
    app->add_option("service", o->service, "only this service");
    add_seconds_option(app, "--interval", o->interval, "seconds between registry checks",
                       {0.1, 3600});
    add_seconds_option(app, "--heartbeat-interval", o->heartbeat,
                       "heartbeat interval (s) of instances that declare none", {0.1, 3600});
    add_seconds_option(app, "--grace", o->grace,
                       "seconds of slack before a heartbeat counts as missed", {0.001, 3600, true});
    add_seconds_option(app, "--stale-after", o->stale_after, "seconds without a heartbeat = stale",
                       {1, 86400});
    app->add_flag("--once", o->once, "print the current state and exit (1 when anything is flagged)");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_monitor(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
