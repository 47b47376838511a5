// aegis call -i: call SERVICE METHOD JSON, services, instances SERVICE, :json, :timeout, with
// history in the state dir and Tab completion of live service and method names.
#include "commands/call_repl.hpp"
#include <fmt/format.h>
#include <memory>
#include <string>

#include <iostream>

#include <unistd.h>

#include "commands/context.hpp"
#include "commands/explore_render.hpp"
#include "core/util/duration.hpp"
#include "core/client/leaders.hpp"
#include "core/tool/repl.hpp"
#include "core/tool/system_view.hpp"
#include "core/output/line_editor.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"
#include "core/util/paths.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd {

namespace {

struct Session {
    Context& ctx;
    std::shared_ptr<nats::Connection> conn;
    Client client;
    tool::SystemView view;
    CallOptions co;
    bool json = false;
    int failures = 0;
};

void show_leader_hint(Session& s, const std::string& service) {
    try {
        for (const auto& l : client::read_leaders(s.conn, service))
            std::cerr << s.ctx.err_style().dim("  the leader of " +
                                               output::visible(l.service + "/" + l.group) +
                                               " is " + output::visible(l.instance_id) +
                                               " (election bucket)\n");
    } catch (const Error&) {
    }
}

void do_call(Session& s, const tool::ReplLine& l) {
    auto r = s.client.call_raw(l.service, l.method, l.params, s.co);
    auto st = s.ctx.out_style();
    auto na = tool::describe_not_active(r.response);
    if (s.json) {
        s.ctx.print(output::pretty_json(envelope_json(r), st) + "\n");
    } else if (na) {
        s.ctx.print(st.yellow("NOT_ACTIVE") + " (" + na->shape + "): " +
                    output::visible(na->message) + "\n");
    } else if (r.response.success) {
        s.ctx.print(output::pretty_json(r.response.result, st) + "\n");
    } else {
        s.ctx.print(st.red("error: ") +
                    output::visible(r.response.error.value_or("unknown error")) + "\n");
    }
    std::string who = output::visible(r.instance.value_or("unknown instance"));
    std::cerr << s.ctx.err_style().dim(fmt::format("← {} in {:.2f} ms\n", who,
                                                   util::millis(r.rtt)));
    if (na) show_leader_hint(s, l.service);
    if (na || !r.response.success) s.failures++;
}

void do_setting(Session& s, const tool::ReplLine& l) {
    auto es = s.ctx.err_style();
    if (l.verb == tool::ReplVerb::json) {
        if (l.arg == "on" || l.arg == "off") s.json = l.arg == "on";
        else if (l.arg.empty()) s.json = !s.json;
        else throw UsageError(":json takes on or off");
        std::cerr << es.dim(std::string("json output ") + (s.json ? "on" : "off") + "\n");
    } else if (l.verb == tool::ReplVerb::timeout) {
        if (!l.arg.empty()) {
            s.co.timeout = util::parse_seconds(l.arg, ":timeout", {0.001, 3600});
        }
        std::cerr << es.dim(fmt::format("timeout {:.3g} s\n", s.co.timeout.count() / 1000.0));
    } else if (l.verb == tool::ReplVerb::format) {
        if (l.arg == "json") s.co.format = wire::Format::json;
        else if (l.arg == "msgpack") s.co.format = wire::Format::msgpack;
        else if (!l.arg.empty()) throw UsageError(":format takes msgpack or json");
        std::cerr << es.dim(std::string("format ") + wire::format_name(s.co.format) + "\n");
    }
}

// Runs one line; false when the session ends.
bool execute(Session& s, const std::string& line) {
    auto l = tool::parse_repl_line(line);
    auto st = s.ctx.out_style();
    switch (l.verb) {
    case tool::ReplVerb::empty: return true;
    case tool::ReplVerb::quit: return false;
    case tool::ReplVerb::help: s.ctx.print(tool::repl_help()); return true;
    case tool::ReplVerb::clear:
        // Only a terminal is cleared: a session piped to a file keeps its results clean.
        if (::isatty(1)) s.ctx.print("\033[H\033[2J");
        return true;
    case tool::ReplVerb::call: do_call(s, l); return true;
    case tool::ReplVerb::services: {
        auto snap = s.view.snapshot();
        s.ctx.print(snap.services.empty() ? "no services\n" : render_services(snap, st));
        return true;
    }
    case tool::ReplVerb::instances: {
        tool::SnapshotOptions so;
        so.service = l.arg;
        auto snap = s.view.snapshot(so);
        if (snap.services.empty()) throw NotFoundError("no service '" + l.arg + "'");
        s.ctx.print(render_instances(snap.services[0], st, snap.taken_at) +
                    render_flags(snap, st));
        return true;
    }
    default: do_setting(s, l); return true;
    }
}

}  // namespace

Json envelope_json(const CallResult& r) {
    Json j = wire::to_json_value(r.response);
    j["rtt_ms"] = util::millis(r.rtt);
    j["instance"] = r.instance ? Json(*r.instance) : Json();
    j["format"] = wire::format_name(r.response_format);
    return j;
}

int run_call_repl(Context& ctx, const ReplStart& start) {
    auto conn = ctx.nats("aegis call -i");
    Session s{ctx, conn, Client(conn), tool::SystemView(conn), {}, ctx.global.json, 0};
    s.co.timeout = start.timeout;
    s.co.format = start.format == "json" ? wire::Format::json : wire::Format::msgpack;
    tool::NameSource names(conn);
    output::LineEditor editor;
    editor.set_completer([&names](const std::string& line, size_t cursor) {
        return names.complete(line, cursor);
    });
    try {
        editor.history().attach(util::state_dir() + "/call_history");
    } catch (const Error&) {
        // No writable state dir: the session works, it only forgets.
    }
    auto es = ctx.err_style();
    if (editor.interactive())
        std::cerr << es.dim("aegis call — " + ctx.nats_url() +
                            " — 'help' lists commands, Tab completes, Ctrl-D quits\n");
    std::string prompt = ctx.out_style().bold("aegis") + "> ";
    while (auto line = editor.read_line(prompt)) {
        editor.history().add(*line);
        try {
            if (!execute(s, *line)) break;
        } catch (const Error& e) {
            s.failures++;
            ctx.print_error(e);
        }
        if (util::stop_requested()) {
            util::reset_stop();  // Ctrl-C during a call ends the call, not the session
            std::cerr << es.dim("(interrupted)\n");
        }
    }
    return !editor.interactive() && s.failures > 0 ? exit_code::no : 0;
}

}  // namespace aegis::cmd
