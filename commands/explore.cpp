// aegis explore [SERVICE]: the registry, the election buckets and $SRV joined into one picture —
// services, instances, leaders, lease ages, stale entries, ghosts and unregistered responders.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <iostream>

#include "commands/context.hpp"
#include "commands/explore_render.hpp"
#include "commands/options.hpp"
#include "core/output/terminal.hpp"
#include "core/registry/prune.hpp"
#include "core/tool/change_watch.hpp"
#include "core/tool/system_view.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd {

namespace {

struct ExploreOpts {
    std::string service;
    bool tree = false;
    bool watch = false;
    bool all = false;
    bool no_probe = false;
    bool prune = false;
    bool dry_run = false;
    double wait_ms = 150;
    std::chrono::milliseconds stale_after{35000};
    std::chrono::milliseconds interval{2000};
};

tool::SnapshotOptions snapshot_options(const ExploreOpts& o) {
    tool::SnapshotOptions so;
    so.service = o.service;
    so.include_stale = o.all;
    so.probe = !o.no_probe;
    so.srv_window = std::chrono::milliseconds(static_cast<long>(o.wait_ms));
    so.stale_after = std::chrono::duration_cast<std::chrono::seconds>(o.stale_after);
    return so;
}

void print_snapshot(Context& ctx, const ExploreOpts& o, const tool::SystemSnapshot& snap) {
    if (ctx.global.json) {
        ctx.print(tool::to_json(snap).dump(-1, ' ', false, Json::error_handler_t::replace) +
                  "\n");
        return;
    }
    ctx.print(render_explore(snap, ctx.out_style(), o.tree, !o.service.empty()));
    if (!ctx.global.quiet)
        std::cerr << ctx.err_style().dim(fmt::format(
                         "{} service{}, {} instance{} in {:.0f} ms\n", snap.services.size(),
                         snap.services.size() == 1 ? "" : "s", snap.instance_count(),
                         snap.instance_count() == 1 ? "" : "s", snap.took.count() / 1000.0));
}

int run_once(Context& ctx, const ExploreOpts& o) {
    tool::SystemView view(ctx.nats("aegis explore"));
    auto snap = view.snapshot(snapshot_options(o));
    if (!o.service.empty() && snap.services.empty())
        throw NotFoundError("no service '" + o.service +
                            "' in the registry, the election buckets or $SRV");
    if (ctx.global.json) {
        ctx.print_json(tool::to_json(snap));
        return 0;
    }
    print_snapshot(ctx, o, snap);
    return 0;
}

// Deletes entries whose heartbeat is older than --stale-after, each at the revision it was
// judged on: an instance that heartbeats in between is kept.
int run_prune(Context& ctx, const ExploreOpts& o) {
    auto reg = registry::Registry::open_existing(ctx.nats("aegis explore --prune"));
    registry::PruneOptions po;
    po.service = o.service;
    po.stale_after = std::chrono::duration_cast<std::chrono::seconds>(o.stale_after);
    po.dry_run = o.dry_run;
    auto results = reg ? registry::prune_stale(*reg, po) : std::vector<registry::PruneResult>{};
    if (ctx.global.json)
        ctx.print_json(prune_json(results, o.dry_run, po.stale_after));
    else
        ctx.print(render_prune(results, o.dry_run, po.stale_after, ctx.out_style()));
    return 0;
}

// Redraws on every change (and every --interval for ages on a terminal); off a terminal it
// prints a new picture only when something other than ages and round trips changed.
int run_watch(Context& ctx, const ExploreOpts& o) {
    auto conn = ctx.nats("aegis explore --watch");
    tool::SystemView view(conn);
    tool::ChangeWatch changes(conn);
    bool tty = ctx.stdout_tty() && !ctx.global.json;
    auto interval = o.interval;
    std::string last;
    int rounds = 0;
    while (!util::stop_requested()) {
        auto snap = view.snapshot(snapshot_options(o));
        std::string sig = snapshot_signature(snap);
        if (tty) {
            ctx.print(output::repaint(
                render_explore(snap, ctx.out_style(), o.tree, !o.service.empty())));
            std::cerr << ctx.err_style().dim(
                "watching " + wire::rfc3339_ms(snap.taken_at) + " — Ctrl-C to stop\n");
        } else if (sig != last) {
            if (rounds++ > 0 && !ctx.global.json) ctx.print("\n");
            print_snapshot(ctx, o, snap);
        }
        last = sig;
        // Wait for a change; wake up now and then anyway (stale entries make no KV event).
        auto until = std::chrono::steady_clock::now() + interval;
        while (!util::stop_requested() && std::chrono::steady_clock::now() < until)
            if (changes.wait(std::chrono::milliseconds(100))) break;
        changes.rescan();
    }
    return exit_code::interrupted;
}

}  // namespace

void setup_explore(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<ExploreOpts>();
    auto* app = root.add_subcommand("explore");
    app->footer(
        "Joins the registry (service_registry), the election buckets (election_*) and the NATS\n"
        "Services API ($SRV.PING / INFO). States: healthy, unhealthy, stale (old heartbeat),\n"
        "ghost (registered aegis instance that does not answer $SRV), unverified (a Python\n"
        "instance: it has no $SRV, only its heartbeat speaks for it), unregistered (answers $SRV\n"
        "but is not in the registry).");
    app->add_option("service", o->service, "only this service");
    app->add_flag("--tree", o->tree, "services → groups → instances as a tree");
    app->add_flag("-w,--watch", o->watch, "keep watching; redraw when the registry or a leader "
                                          "changes (Ctrl-C stops)");
    app->add_flag("-a,--all", o->all, "include stale instances");
    app->add_flag("--no-probe", o->no_probe, "registry and leaders only: do not ask $SRV");
    auto* prune = app->add_flag("--prune", o->prune,
                                "delete registry entries with no heartbeat for over --stale-after "
                                "(revision-checked: a live instance is never removed)");
    app->add_flag("--dry-run", o->dry_run, "with --prune: list what would be deleted")
        ->needs(prune);
    prune->excludes(app->get_option("--watch"));
    app->add_option("--wait", o->wait_ms, "milliseconds of quiet that end the $SRV gathering")
        ->capture_default_str()
        ->check(CLI::Range(10.0, 5000.0));
    add_seconds_option(app, "--stale-after", o->stale_after,
                       "seconds after which a heartbeat is stale", {1, 86400});
    add_seconds_option(app, "--interval", o->interval, "seconds between refreshes with --watch",
                       {0.2, 3600});
    app->callback([o, &ctx] {
        ctx.run = [o, &ctx] {
            if (!o->service.empty()) wire::require_target_name("service name", o->service);  // before NATS
            if (o->prune) return run_prune(ctx, *o);
            return o->watch ? run_watch(ctx, *o) : run_once(ctx, *o);
        };
    });
}

}  // namespace aegis::cmd
