// aegis monitor: a live view of every service, instance and endpoint — requests/s, errors/s and
// average processing time from $SRV.STATS deltas, heartbeat ages, leaders, lease ages, leader
// changes — and a pane of what happened (joins, departures, staleness, leader changes, events).
#include <CLI/CLI.hpp>
#include <chrono>
#include <memory>
#include <string>

#include <unistd.h>

#include <iostream>
#include <thread>

#include "commands/context.hpp"
#include "commands/monitor_render.hpp"
#include "commands/options.hpp"
#include "core/tool/monitor.hpp"
#include "core/output/resize.hpp"
#include "core/output/terminal.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

using Clock = std::chrono::steady_clock;

struct MonitorOpts {
    std::chrono::milliseconds interval{1000};
    std::chrono::milliseconds duration{0};  // 0: never
    std::string filter;
    std::string sort = "name";
    bool no_events = false;
    std::chrono::milliseconds stale_after{35000};
};

tool::SortKey sort_key(const std::string& s) {
    if (s == "requests") return tool::SortKey::requests;
    if (s == "errors") return tool::SortKey::errors;
    if (s == "latency") return tool::SortKey::latency;
    return tool::SortKey::name;
}

struct Run {
    Context& ctx;
    const MonitorOpts& o;
    tool::Monitor& monitor;
    Clock::time_point end;
    bool ended() const {
        return util::stop_requested() || (o.duration.count() > 0 && Clock::now() >= end);
    }
    Clock::duration interval() const {
        return o.interval;
    }
};

// Keys for the full-screen view; returns false when the user quits.
bool handle_key(const output::Key& k, ScreenState& ui) {
    using output::KeyCode;
    if (ui.editing_filter) {
        if (k.code == KeyCode::enter) ui.filter = ui.filter_draft, ui.editing_filter = false;
        else if (k.code == KeyCode::escape) ui.editing_filter = false;
        else if (k.code == KeyCode::backspace && !ui.filter_draft.empty())
            ui.filter_draft.pop_back();
        else if (k.code == KeyCode::ctrl && k.ctrl == 'u') ui.filter_draft.clear();
        else if (k.code == KeyCode::character) ui.filter_draft += k.text;
        return true;
    }
    if (k.code != KeyCode::character) return true;
    if (k.text == "q") return false;
    if (k.text == "p") ui.paused = !ui.paused;
    if (k.text == "s") ui.sort = tool::next_sort(ui.sort);
    if (k.text == "/") ui.editing_filter = true, ui.filter_draft = ui.filter;
    return true;
}

int run_screen(Run& r) {
    ScreenState ui;
    ui.server = r.ctx.nats_url();
    ui.sort = sort_key(r.o.sort);
    ui.filter = r.o.filter;
    auto st = r.ctx.out_style();
    RateHistory history;
    history.set_window(std::chrono::minutes(1), r.o.interval);
    ui.history = &history;
    ui.glyphs = report::glyphs_from_env();
    bool quit = false;
    {
        output::ResizeWatch resize;
        output::AltScreen alt(STDOUT_FILENO);
        output::RawMode raw(STDIN_FILENO);  // Ctrl-C still raises SIGINT: the summary follows
        tool::MonitorFrame shown;
        while (!quit && !r.ended()) {
            auto next = Clock::now() + r.interval();
            auto frame = r.monitor.tick();
            history.record(frame);  // while paused too: the sparklines stay true on resume
            if (!ui.paused) shown = std::move(frame);
            bool redraw = true;
            while (!quit && !r.ended() && Clock::now() < next) {
                if (redraw) {
                    ui.width = output::terminal_width(STDOUT_FILENO);
                    ui.height = output::terminal_height(STDOUT_FILENO);
                    auto view = shown;
                    tool::filter_frame(view, ui.filter);
                    tool::sort_frame(view, ui.sort);
                    if (!output::write_all(STDOUT_FILENO, render_screen(view, ui, st))) return 0;
                }
                using std::chrono::milliseconds;
                auto left = std::chrono::duration_cast<milliseconds>(next - Clock::now());
                auto k = output::read_key(STDIN_FILENO, std::min(left, milliseconds(250)));
                if (k.code == output::KeyCode::eof) std::this_thread::sleep_for(left);
                if (k.code != output::KeyCode::none) quit = !handle_key(k, ui);
                // A key, a SIGWINCH, or a size that changed without one (a missed signal).
                redraw = k.code != output::KeyCode::none || resize.resized() ||
                         ui.width != output::terminal_width(STDOUT_FILENO) ||
                         ui.height != output::terminal_height(STDOUT_FILENO);
            }
        }
    }
    r.ctx.print(render_summary(r.monitor.summary(), st));
    return util::stop_requested() ? exit_code::interrupted : 0;
}

// Off a terminal: one line per happening (or an NDJSON snapshot per refresh with --json).
int run_lines(Run& r) {
    auto st = r.ctx.out_style();
    while (!r.ended()) {
        auto next = Clock::now() + r.interval();
        auto frame = r.monitor.tick();
        auto fresh = r.monitor.take_new();
        if (r.ctx.global.json) {
            tool::sort_frame(frame, sort_key(r.o.sort));
            tool::filter_frame(frame, r.o.filter);
            r.ctx.print(tool::to_json(frame, fresh).dump(-1, ' ', false,
                                                           Json::error_handler_t::replace) + "\n");
        } else {
            for (const auto& h : fresh) {
                bool match = r.o.filter.empty() ||
                             h.service.find(r.o.filter) != std::string::npos ||
                             h.instance.find(r.o.filter) != std::string::npos;
                if (match) r.ctx.print(render_happening(h, st) + "\n");
            }
        }
        while (!r.ended() && Clock::now() < next)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto summary = r.monitor.summary();
    if (r.ctx.global.json)
        r.ctx.print(summary.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
    else
        r.ctx.print(render_summary(summary, st));
    return util::stop_requested() ? exit_code::interrupted : 0;
}

int run_monitor(Context& ctx, const MonitorOpts& o) {
    tool::MonitorOptions mo;
    if (o.no_events) mo.events_subject.clear();
    mo.stale_after = std::chrono::duration_cast<std::chrono::seconds>(o.stale_after);
    tool::Monitor monitor(ctx.nats("aegis monitor"), mo);
    Run r{ctx, o, monitor, Clock::now() + o.duration};
    bool screen = !ctx.global.json && ctx.stdout_tty() && output::is_tty(STDIN_FILENO);
    return screen ? run_screen(r) : run_lines(r);
}

}  // namespace

void setup_monitor(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<MonitorOpts>();
    auto* app = root.add_subcommand("monitor");
    app->footer(
        "On a terminal: a full-screen view refreshed every --interval. Keys: q quit, / filter\n"
        "(Ctrl-U clears it), s sort (name, requests, errors, latency), p pause. Elsewhere: one\n"
        "line per change (joined, left, went stale, leader changed, events seen); --json prints\n"
        "one NDJSON snapshot per refresh. Ctrl-C (or --duration) ends with a summary.");
    add_seconds_option(app, "-i,--interval", o->interval, "seconds between refreshes", {0.2, 60});
    add_seconds_option(app, "-d,--duration", o->duration, "stop after this many seconds (0: never)",
                       {0.001, 1e7, true});
    app->add_option("-f,--filter", o->filter, "only services / instances containing this text");
    app->add_option("--sort", o->sort, "initial sort")
        ->check(CLI::IsMember({"name", "requests", "errors", "latency"}))
        ->capture_default_str();
    app->add_flag("--no-events", o->no_events, "do not subscribe to events.>");
    add_seconds_option(app, "--stale-after", o->stale_after,
                       "seconds after which a heartbeat is stale", {1, 86400});
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_monitor(ctx, *o); }; });
}

}  // namespace aegis::cmd
