// aegis demo patterns: the pattern_comparison.py of the Python quickstart, working — a Service
// (calculator-service: registers, heartbeats, handles add / multiply) and an External Client (a
// monitor that never registers: it discovers the calculator in the registry and calls it), side
// by side in two labelled columns.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <mutex>
#include <atomic>
#include <random>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/service/declared_params.hpp"
#include "core/service/params.hpp"
#include "core/client/client.hpp"
#include "core/output/style.hpp"
#include "core/registry/registry.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/util/duration.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

struct PatternOpts {
    int rounds = 3;
    std::chrono::milliseconds interval{1000};
};

constexpr size_t k_col = 50;

// Two columns on stdout; each line goes in one of them. Under --json one NDJSON object per line
// instead ({"time","side","message", ...details}). Thread-safe (the service side prints from its
// handler threads).
class Columns {
public:
    explicit Columns(Context& ctx) : m_ctx(ctx), m_st(ctx.out_style()) {}
    void header() {
        if (m_ctx.global.json) return;
        print_row(m_st.bold("SERVICE  (calculator-service)"),
                  m_st.bold("EXTERNAL CLIENT  (monitor, not registered)"));
        print_row(std::string(k_col - 2, '-'), std::string(k_col - 2, '-'));
    }
    void service(const std::string& text, Json details = Json::object()) {
        m_ctx.global.json ? print_json("service", text, std::move(details)) : print_row(text, "");
    }
    void client(const std::string& text, Json details = Json::object()) {
        m_ctx.global.json ? print_json("client", text, std::move(details)) : print_row("", text);
    }

private:
    void print_json(const char* side, const std::string& text, Json details) {
        Json line = {{"time", wire::rfc3339_ms(std::chrono::system_clock::now())},
                     {"side", side}, {"message", text}};
        line.update(details);
        std::lock_guard lock(m_mutex);
        m_ctx.print(line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n");
    }
    void print_row(const std::string& left, const std::string& right) {
        std::lock_guard lock(m_mutex);
        size_t w = output::display_width(left);
        if (right.empty()) m_ctx.print(left + "\n");
        else m_ctx.print(left + std::string(w < k_col ? k_col - w : 1, ' ') + right + "\n");
    }
    Context& m_ctx;
    output::Style m_st;
    std::mutex m_mutex;
};

std::string num(double x) { return fmt::format("{:g}", x); }

void client_round(Columns& out, registry::Registry& reg, const Client& client, int round,
                  std::mt19937& rng) {
    auto found = reg.list({.service = "calculator-service"});
    out.client(fmt::format("🔍 round {}: registry lists {} instance(s)", round, found.size()),
               {{"round", round}, {"instances", found.size()}});
    for (auto& l : found)
        out.client(fmt::format("   {} {} (beat {:.1f} s ago)", l.instance.instance_id,
                               l.instance.status, l.age_seconds));
    if (found.empty()) return;
    std::uniform_int_distribution<int> d(1, 20);
    double a = d(rng), b = d(rng);
    for (const char* method : {"add", "multiply"}) {
        try {
            auto r = client.call_raw("calculator-service", method, {{"a", a}, {"b", b}});
            double ms = util::millis(r.rtt);
            double result = r.response.result.value("result", 0.0);
            out.client(fmt::format("📞 {}({}, {}) = {}  [{:.2f} ms, {}]", method, num(a), num(b),
                                   num(result), ms, r.instance.value_or("?")),
                       {{"method", method}, {"a", a}, {"b", b}, {"result", result},
                        {"rtt_ms", ms}, {"instance", r.instance.value_or("")}});
        } catch (const std::exception& e) {
            out.client(fmt::format("❌ {}: {}", method, e.what()),
                       {{"method", method}, {"error", e.what()}});
        }
    }
}

int run_patterns(Context& ctx, const PatternOpts& o) {
    Columns out(ctx);
    auto conn = ctx.nats("aegis demo patterns");
    ServiceOptions so;
    so.name = "calculator-service";
    so.description = "Calculator (pattern comparison: the Service side)";
    Service svc(conn, so);
    // processed_by and request_count: the fields the Python calculator adds to each result.
    auto calls = std::make_shared<std::atomic<int>>(0);
    auto op = [&out, calls, id = svc.instance_id()](const char* name, auto f) {
        return accepts({"a", "b"}, [&out, calls, id, name, f](const Json& p) {
            double a = param(p, "a", 0.0), b = param(p, "b", 0.0);
            int k = ++*calls;
            double r = f(a, b);
            out.service(fmt::format("🧮 {}({}, {}) = {}", name, num(a), num(b), num(r)),
                        {{"method", name}, {"a", a}, {"b", b}, {"result", r}});
            return Json{{"result", r}, {"operation", name}, {"processed_by", id},
                        {"request_count", k}};
        });
    };
    svc.rpc("add", op("add", [](double a, double b) { return a + b; }));
    svc.rpc("multiply", op("multiply", [](double a, double b) { return a * b; }));
    out.header();
    svc.start();
    out.service("✅ registered " + svc.instance_id());
    out.service("   heartbeats every 10 s; RPCs add, multiply");
    out.client("🔌 connected; reads the registry only");
    registry::Registry reg(conn);
    Client client(conn);
    std::mt19937 rng(std::random_device{}());
    auto period = o.interval;
    for (int round = 1; o.rounds == 0 || round <= o.rounds; ++round) {
        client_round(out, reg, client, round, rng);
        if (!util::sleep_unless_stopped(period)) break;
    }
    svc.stop();
    out.service("🛑 deregistered (key deleted)");
    out.client("👋 done: it never appeared in the registry");
    return 0;
}

}  // namespace

void setup_patterns(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<PatternOpts>();
    auto* app = demo.add_subcommand("patterns");
    app->add_option("--rounds", o->rounds, "client rounds (0 = until Ctrl-C)")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000));
    add_seconds_option(app, "--interval", o->interval, "seconds between client rounds",
                       {0.05, 3600});
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_patterns(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
