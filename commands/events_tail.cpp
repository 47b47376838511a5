// aegis events tail [PATTERN ...]: the event stream monitor over core's EventTail (live, or
// --since / --last replayed from the EVENTS stream first): one line per event with subject,
// source, age and a payload preview; counts per subject on exit. --json: NDJSON, then a summary.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <cmath>
#include <map>

#include "commands/context.hpp"
#include "commands/options.hpp"
#include "core/nats/connection.hpp"
#include "commands/help_text.hpp"
#include "core/client/event_tail.hpp"
#include "core/output/table.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "core/util/duration.hpp"
#include "core/util/text.hpp"

namespace aegis::cmd {

namespace {

struct TailOpts {
    std::vector<std::string> patterns;
    int count = 0;
    std::chrono::milliseconds duration{0};  // 0: until Ctrl-C
    bool no_payload = false;
    int width = 0;
    std::string since;  // a duration: 90s, 5m, 1h
    int64_t last = -1;
};

using Received = TailedEvent;

std::string normalize(const std::string& p) {
    std::string full = p == ">" || p.rfind("events.", 0) != 0 ? "events." + p : p;
    if (p == "events") full = "events.>";
    return wire::event_pattern_subject(full);
}

std::string age_text(const wire::Event& e, wire::SysTime at, double* ms) {
    auto t = wire::parse_timestamp(e.header.timestamp);
    if (!t) return "?";
    *ms = util::millis(at - *t);
    if (*ms < 1000) return fmt::format("{:.0f} ms", *ms);
    if (*ms < 120000) return fmt::format("{:.1f} s", *ms / 1000);
    return fmt::format("{:.0f} min", *ms / 60000);
}

std::string clip_preview(std::string s, size_t width) {
    if (output::display_width(s) <= width) return s;
    while (!s.empty() && output::display_width(s) > width - 1) s.pop_back();
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && (static_cast<unsigned char>(s.back()) & 0x80)) s.pop_back();
    return s + "…";
}

// Prints one event; returns false when it could not be decoded.
bool show(Context& ctx, const TailOpts& o, const Received& r, size_t width) {
    auto st = ctx.out_style();
    std::string when = wire::rfc3339_ms(r.at).substr(11, 12);
    wire::Event e;
    try {
        e = wire::decode_event(r.data);
    } catch (const std::exception& ex) {
        if (ctx.global.json)
            ctx.print(Json{{"time", wire::rfc3339_ms(r.at)}, {"subject", r.subject},
                           {"error", ex.what()}}.dump(-1, ' ', false,
                                                      Json::error_handler_t::replace) + "\n");
        else
            ctx.print(fmt::format("{}  {}  {}\n", st.dim(when), output::visible(r.subject),
                                  st.red("undecodable: " + output::visible(ex.what()))));
        return false;
    }
    double ms = 0;
    std::string age = age_text(e, r.at, &ms);
    if (ctx.global.json) {
        ctx.print(Json{{"time", wire::rfc3339_ms(r.at)}, {"subject", r.subject},
                       {"message_id", e.header.message_id}, {"source", e.header.source ? Json(*e.header.source) : Json()},
                       {"domain", e.domain}, {"event_type", e.event_type},
                       {"timestamp", e.header.timestamp}, {"age_ms", std::round(ms * 10) / 10},
                       {"version", e.version}, {"format", wire::format_name(wire::sniff(r.data))},
                       {"payload", e.payload}}.dump(-1, ' ', false,
                                                    Json::error_handler_t::replace) + "\n");
        return true;
    }
    // Subjects, sources and payloads come from anyone: rendered visibly.
    std::string head = fmt::format("{}  {}  {} {}  {} {}", st.dim(when),
                                   st.cyan(output::visible(r.subject)), st.dim("src"),
                                   output::visible(e.header.source.value_or("-")), st.dim("age"),
                                   age);
    std::string preview =
        o.no_payload ? ""
                     : "  " + output::visible(e.payload.dump(-1, ' ', false,
                                                             Json::error_handler_t::replace));
    size_t used = output::display_width(head);
    ctx.print(head + (used + 4 < width ? clip_preview(preview, width - used) : "") + "\n");
    return true;
}

void summary(Context& ctx, const std::map<std::string, int>& counts, int total, int bad,
             double seconds) {
    if (ctx.global.json) {
        ctx.print(Json{{"summary", {{"events", total}, {"undecodable", bad},
                                    {"duration_ms", std::round(seconds * 1000)},
                                    {"by_subject", counts}}}}.dump() + "\n");
        return;
    }
    output::Table t({"SUBJECT", "EVENTS"});
    for (auto& [s, n] : counts) t.add({output::visible(s), std::to_string(n)});
    ctx.print(fmt::format("\n{} event(s) in {:.1f} s{}\n", total, seconds,
                          bad ? fmt::format(", {} undecodable", bad) : "") +
              (t.empty() ? "" : t.render()));
}

EventTailOptions tail_options(const TailOpts& o) {
    EventTailOptions t;
    for (auto& p : o.patterns.empty() ? std::vector<std::string>{"events.>"} : o.patterns)
        t.subjects.push_back(normalize(p));
    if (!o.since.empty()) {
        t.since = util::parse_seconds(o.since, "--since", {0.001, 366 * 86400.0});
    }
    if (o.last >= 0) t.last = static_cast<uint64_t>(o.last);
    return t;
}

int run_tail(Context& ctx, const TailOpts& o) {
    auto options = tail_options(o);
    EventTail tail(ctx.nats("aegis events tail"), options);
    if (!ctx.global.quiet)  // stderr: --json output on stdout stays clean
        std::fprintf(stderr, "tailing %s%s (Ctrl-C for the summary)\n",
                     fmt::format("{}", fmt::join(options.subjects, " ")).c_str(),
                     options.since ? (" since " + o.since + " ago").c_str()
                     : options.last ? fmt::format(", the last {} stored first", *options.last).c_str()
                                    : "");
    size_t width = o.width > 0 ? size_t(o.width)
                               : size_t(ctx.stdout_tty() ? output::terminal_width(1) : 160);
    std::map<std::string, int> counts;
    int total = 0, bad = 0;
    auto t0 = std::chrono::steady_clock::now();
    auto end = t0 + o.duration;
    while (!util::stop_requested() && (o.count == 0 || total + bad < o.count) &&
           (o.duration.count() == 0 || std::chrono::steady_clock::now() < end)) {
        auto r = tail.next(std::chrono::milliseconds(100));
        if (!r) continue;
        if (show(ctx, o, *r, width)) {
            ++total;
            ++counts[r->subject];
        } else {
            ++bad;
        }
    }
    summary(ctx, counts, total, bad,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return 0;
}

}  // namespace

void setup_events_tail(CLI::App& events, Context& ctx) {
    auto o = std::make_shared<TailOpts>();
    auto* app = events.add_subcommand("tail", "watch events live: subject, source, age, payload");
    app->footer("Patterns take NATS wildcards; the 'events.' prefix is optional (default: events.>).\n"
                "--since / --last first replay stored events from the EVENTS stream, then go on live.\n"
                "Counts per subject are printed on exit (Ctrl-C, --count or --duration).");
    add_examples(*app, "aegis events tail\n"
                       "aegis events tail 'orders.*' system.alerts --count 10\n"
                       "aegis events tail --since 5m\n"
                       "aegis events tail orders.created --last 20 --json");
    app->add_option("patterns", o->patterns, "subjects to watch (default events.>)");
    app->add_option("-n,--count", o->count, "stop after N events")->check(CLI::Range(0, 100000000));
    add_seconds_option(app, "--duration", o->duration, "stop after S seconds (0: never)",
                       {0.001, 7 * 24 * 3600.0, true});
    app->add_option("--since", o->since, "first replay the events stored this long ago (90s, 5m, 2h)");
    app->add_option("--last", o->last, "first replay the last N stored events (per pattern)")
        ->check(CLI::Range(int64_t(0), int64_t(1000000000)));
    app->add_flag("--no-payload", o->no_payload, "omit the payload preview");
    app->add_option("--width", o->width, "line width (default: the terminal's)")
        ->check(CLI::Range(40, 10000));
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_tail(ctx, *o); }; });
}

}  // namespace aegis::cmd
