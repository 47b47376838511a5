// aegis call SERVICE METHOD [JSON | key=value ...]: one RPC (or --count N) from a terminal;
// `aegis call -i` (or no arguments on a terminal) is the REPL of commands/call_repl.cpp.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>
#include <iostream>
#include <map>

#include "commands/call_repl.hpp"
#include "commands/context.hpp"
#include "commands/options.hpp"
#include "core/util/duration.hpp"
#include "core/client/client.hpp"
#include "core/service/declared_params.hpp"
#include "core/tool/params.hpp"
#include "core/output/style.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"
#include "core/util/histogram.hpp"
#include "core/util/signals.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd {

namespace {

struct CallOpts {
    std::string service;
    std::string method;
    std::vector<std::string> args;
    std::string data;
    std::chrono::milliseconds timeout{5000};
    int count = 1;
    std::string format = "msgpack";
    bool interactive = false;
};

int single(Context& ctx, const Client& client, const CallOpts& o, const Json& params,
           const CallOptions& co) {
    auto r = client.call_raw(o.service, o.method, params, co);
    auto es = ctx.err_style();
    if (ctx.global.json) {
        ctx.print_json(envelope_json(r));
    } else if (r.response.success) {
        if (ctx.stdout_tty())
            ctx.print(output::pretty_json(r.response.result, ctx.out_style()) + "\n");
        else
            ctx.print(r.response.result.dump(-1, ' ', false, Json::error_handler_t::replace) +
                      "\n");
    }
    if (!ctx.global.quiet && !ctx.global.json) {
        std::string who = r.instance ? output::visible(*r.instance) : "unknown instance";
        std::cerr << es.dim(fmt::format("← {} in {:.2f} ms", who, util::millis(r.rtt))) << "\n";
    }
    if (!r.response.success) {
        std::string error = r.response.error.value_or("unknown error");
        if (is_bad_params_error(error))  // the params given were bad: exit 65, like local ones
            throw DataError("'" + o.service + "." + o.method + "' failed: " + error,
                            tool::inferred_type_hint(o.args, error));
        throw RemoteError("'" + o.service + "." + o.method + "' failed: " + error,
                          tool::inferred_type_hint(o.args, error));
    }
    return 0;
}

int repeated(Context& ctx, const Client& client, const CallOpts& o, const Json& params,
             const CallOptions& co) {
    util::Histogram rtts(100.0);  // milliseconds, printed with two decimals
    std::map<std::string, int> by_instance;
    int ok = 0, failed = 0, unavailable = 0, timeouts = 0, errors = 0;
    Json calls = Json::array();
    auto st = ctx.out_style();
    for (int i = 1; i <= o.count && !util::stop_requested(); ++i) {
        Json line = {{"n", i}};
        try {
            auto r = client.call_raw(o.service, o.method, params, co);
            std::string who = r.instance.value_or("?");
            rtts.record(util::millis(r.rtt));
            by_instance[who]++;
            r.response.success ? ++ok : ++failed;
            line["ok"] = r.response.success;
            line["instance"] = who;
            line["rtt_ms"] = util::millis(r.rtt);
            if (!r.response.success) line["error"] = r.response.error.value_or("");
            if (!ctx.global.json)
                ctx.print(fmt::format(
                    "#{:<4} {}  {:>8.2f} ms  {}{}\n", i,
                    r.response.success ? st.green("ok  ") : st.red("fail"), util::millis(r.rtt),
                    output::visible(who),
                    r.response.success ? "" : "  " + output::visible(*r.response.error)));
        } catch (const NoRespondersError& e) {
            ++unavailable;
            line["ok"] = false;
            line["error"] = e.what();
            if (!ctx.global.json) ctx.print(fmt::format("#{:<4} {}  {}\n", i, st.red("fail"), e.what()));
        } catch (const TimeoutError& e) {
            ++timeouts;
            line["ok"] = false;
            line["error"] = e.what();
            if (!ctx.global.json) ctx.print(fmt::format("#{:<4} {}  {}\n", i, st.red("fail"), e.what()));
        } catch (const Error& e) {
            // The connection dropped (server gone, reconnecting): count it and go on, so the
            // summary still comes.
            ++errors;
            line["ok"] = false;
            line["error"] = e.what();
            if (!ctx.global.json)
                ctx.print(fmt::format("#{:<4} {}  {}\n", i, st.red("fail"),
                                      output::visible(e.what())));
        }
        calls.push_back(std::move(line));
    }
    auto pct = [&](double q) { return rtts.percentile(q); };
    Json summary = {{"calls", calls.size()}, {"ok", ok}, {"failed", failed},
                    {"no_responders", unavailable}, {"timeouts", timeouts}, {"errors", errors},
                    {"p50_ms", pct(0.5)}, {"p90_ms", pct(0.9)}, {"p99_ms", pct(0.99)},
                    {"by_instance", by_instance}};
    if (ctx.global.json) {
        ctx.print_json({{"calls", calls}, {"summary", summary}});
    } else {
        std::string spread;
        for (auto& [who, n] : by_instance)
            spread += fmt::format("  {} {}", output::visible(who), n);
        ctx.print(fmt::format("{} calls: {} ok, {} failed, {} no responders, {} timeouts, {} "
                              "errors; p50 {:.2f} ms, p90 {:.2f} ms, p99 {:.2f} ms\n"
                              "by instance:{}\n",
                              calls.size(), ok, failed, unavailable, timeouts, errors, pct(0.5),
                              pct(0.9), pct(0.99), spread.empty() ? " none" : spread));
    }
    if (util::stop_requested()) return exit_code::interrupted;
    if (ok == static_cast<int>(calls.size()) && ok > 0) return 0;
    if (ok == 0 && unavailable == static_cast<int>(calls.size()))
        throw NoRespondersError("no responders for 'rpc." + o.service + "." + o.method + "'",
                                "is '" + o.service + "' running? try 'aegis explore'");
    if (ok == 0 && timeouts == static_cast<int>(calls.size()))
        throw TimeoutError("every call timed out");
    return exit_code::no;
}

int run_call(Context& ctx, const CallOpts& o) {
    bool terminal = output::is_tty(0) && ctx.stdout_tty();
    if (o.interactive || (o.service.empty() && terminal)) {
        if (ctx.stdin_closed())
            throw UsageError("stdin is closed or /dev/null: 'aegis call -i' reads its commands "
                             "there",
                             "pipe a script in, or run it on a terminal");
        if (!o.service.empty() || !o.data.empty() || o.count != 1)
            throw UsageError("-i takes no SERVICE, METHOD, --data or --count",
                             "type 'call SERVICE METHOD ...' inside the REPL");
        return run_call_repl(ctx, {o.timeout, o.format});
    }
    if (o.service.empty() || o.method.empty())
        throw UsageError(o.service.empty() ? "missing SERVICE and METHOD" : "missing METHOD",
                         "aegis call SERVICE METHOD [JSON | key=value ...], or 'aegis call -i'");
    // Checked before connecting (exit 2): the names go into the subject verbatim.
    wire::require_rpc_names(o.service, o.method);
    if (!o.data.empty() && !o.args.empty())
        throw UsageError("give params either as arguments or with --data, not both");
    bool from_stdin = o.args.size() == 1 && o.args[0] == "-";
    Json params = !o.data.empty() ? tool::params_from_data(o.data, std::cin)
                  : from_stdin    ? tool::params_from_data("-", std::cin)
                                  : tool::params_from_args(o.args);
    if (o.count < 1) throw UsageError("--count must be at least 1");
    CallOptions co;
    co.timeout = o.timeout;
    co.format = o.format == "json" ? wire::Format::json : wire::Format::msgpack;
    Client client(ctx.nats("aegis call"));
    if (o.count == 1) return single(ctx, client, o, params, co);
    return repeated(ctx, client, o, params, co);
}

}  // namespace

void setup_call(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<CallOpts>();
    auto* app = root.add_subcommand("call");
    app->footer(
        "Params: one JSON object ('{\"message\":\"hi\"}'), or key=value pairs (numbers, true/false\n"
        "and null are inferred; key:=<json> takes raw JSON; a.b=1 nests), or -d @file / -d - (stdin).");
    app->add_option("service", o->service, "service name, e.g. echo-service");
    app->add_option("method", o->method, "method name, e.g. echo");
    app->add_option("params", o->args, "JSON object or key=value pairs");
    app->add_option("-d,--data", o->data, "params as JSON text, @file, or - for stdin");
    add_seconds_option(app, "-t,--timeout", o->timeout, "seconds to wait for the reply");
    app->add_option("-n,--count", o->count, "repeat the call N times and summarise")
        ->capture_default_str();
    app->add_flag("-i,--interactive", o->interactive,
                  "a REPL with history and completion (the default with no arguments on a "
                  "terminal)");
    app->add_option("--format", o->format, "request encoding")
        ->check(CLI::IsMember({"msgpack", "json"}))
        ->capture_default_str();
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_call(ctx, *o); }; });
}

}  // namespace aegis::cmd
