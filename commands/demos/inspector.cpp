// aegis demo inspector: a management client that never registers. It lists instances straight
// from the service_registry bucket, as monitor-api does (docs/protocol.md §11): keys
// service-instances__*, stale entries (heartbeat older than 35 s) hidden, a status summary.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <cmath>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/output/table.hpp"
#include "core/registry/registry.hpp"
#include "core/util/duration.hpp"

namespace aegis::cmd::demos {

namespace {

struct InspectOpts {
    std::string service;
    bool all = false;
    std::chrono::milliseconds stale_after{35000};
};

std::string metadata_keys(const Json& md) {
    std::string out;
    for (auto& [k, v] : md.items()) out += (out.empty() ? "" : ",") + k;
    return out.empty() ? "-" : out;
}

int run_inspector(Context& ctx, const InspectOpts& o) {
    registry::Registry reg(ctx.nats("aegis demo inspector"));
    registry::ListOptions lo;
    lo.service = o.service;
    lo.include_stale = true;
    lo.stale_after = std::chrono::duration_cast<std::chrono::seconds>(o.stale_after);
    auto all = reg.list(lo);
    Json summary = {{"total", 0}, {"active", 0}, {"unhealthy", 0}, {"standby", 0},
                    {"stale_hidden", 0}, {"unreadable", reg.unreadable_count()}};
    Json list = Json::array();
    output::Table table({"SERVICE", "INSTANCE", "VERSION", "STATUS", "HEARTBEAT", "GROUP",
                         "METADATA"});
    auto st = ctx.out_style();
    for (const auto& l : all) {
        if (l.stale && !o.all) {
            summary["stale_hidden"] = summary["stale_hidden"].get<int>() + 1;
            continue;
        }
        const auto& i = l.instance;
        summary["total"] = summary["total"].get<int>() + 1;
        std::string key = i.status == "ACTIVE" ? "active" : i.status == "UNHEALTHY" ? "unhealthy"
                                                                                    : "standby";
        summary[key] = summary[key].get<int>() + 1;
        Json j = registry::to_json_value(i);
        j["stale"] = l.stale;
        j["age_seconds"] = std::round(l.age_seconds * 10) / 10;
        list.push_back(std::move(j));
        std::string status = i.status == "ACTIVE" ? st.green(i.status) : st.yellow(i.status);
        table.add({i.service_name, i.instance_id, i.version, status,
                   fmt::format("{:.1f} s ago{}", l.age_seconds, l.stale ? " (stale)" : ""),
                   i.sticky_active_group.value_or("-"), metadata_keys(i.metadata)});
    }
    if (ctx.global.json) {
        ctx.print_json({{"instances", list}, {"summary", summary}});
        return 0;
    }
    if (table.empty())
        ctx.print("no live instances in the registry" +
                  (o.service.empty() ? std::string() : " for '" + o.service + "'") + "\n");
    else
        ctx.print(table.render());
    ctx.print(fmt::format("\n{} instance(s): {} active, {} unhealthy, {} standby; {} stale hidden "
                          "(heartbeat older than {} s){}\n",
                          summary["total"].get<int>(), summary["active"].get<int>(),
                          summary["unhealthy"].get<int>(), summary["standby"].get<int>(),
                          summary["stale_hidden"].get<int>(), util::seconds_text(o.stale_after),
                          o.all ? "" : "; --all shows them"));
    return 0;
}

}  // namespace

void setup_inspector(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<InspectOpts>();
    auto* app = demo.add_subcommand("inspector");
    app->add_option("service", o->service, "only this service");
    app->add_flag("--all", o->all, "include stale instances");
    add_seconds_option(app, "--stale-after", o->stale_after, "seconds without a heartbeat = stale",
                       {1, 86400});
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_inspector(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
