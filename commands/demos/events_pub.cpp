// aegis demo events-pub: the event_publisher.py of the Python quickstart, working — publishes
// order.created, payment.processed, inventory.updated and system.alerts as AegisSDK Event
// envelopes through JetStream: continuously at --rate, one of each (single), or a burst.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <cmath>
#include <random>

#include "commands/demos/demo.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

namespace {

struct PubOpts {
    std::string mode = "continuous";
    double rate = 2;
    int count = 0;
    std::string instance_id;
    int instance = default_instance_number();
};

struct Topic {
    const char* domain;
    const char* type;
};
const Topic k_topics[] = {{"order", "created"},
                          {"payment", "processed"},
                          {"inventory", "updated"},
                          {"system", "alerts"}};

Json payload_for(const Topic& t, int n, std::mt19937& rng) {
    std::uniform_int_distribution<int> cents(500, 50000);
    std::string order = fmt::format("ORD-{}", 1000 + n);
    std::string what = std::string(t.domain) + "." + t.type;
    if (what == "order.created")
        return {{"order_id", order}, {"customer_id", fmt::format("CUST-{}", 100 + n % 37)},
                {"amount", cents(rng) / 100.0}, {"currency", "USD"}, {"items", 1 + n % 5}};
    if (what == "payment.processed")
        return {{"payment_id", fmt::format("PAY-{}", 5000 + n)}, {"order_id", order},
                {"amount", cents(rng) / 100.0}, {"method", n % 2 ? "card" : "wallet"},
                {"status", "success"}};
    if (what == "inventory.updated")
        return {{"sku", fmt::format("SKU-{:03}", n % 50)}, {"warehouse", "WH-1"},
                {"quantity_change", -(1 + n % 3)}, {"new_quantity", 100 - n % 100}};
    static const char* levels[] = {"info", "warning", "critical"};
    return {{"level", levels[n % 3]}, {"component", "checkout"},
            {"message", fmt::format("alert #{} from the demo publisher", n)}};
}

int run_events_pub(Context& ctx, const PubOpts& o) {
    ServiceOptions so;
    so.name = "event-publisher";
    so.instance_id = o.instance_id;
    so.description = "Event publisher (AegisSDK quickstart example)";
    Service svc(ctx.nats("aegis demo events-pub"), so);
    svc.start();
    const int n = o.instance;
    log::info("📡 Event publisher #{} ({}) publishing order.created, payment.processed, "
              "inventory.updated, system.alerts ({} mode{})",
              n, svc.instance_id(), o.mode,
              o.mode == "continuous" ? fmt::format(", {}/s", o.rate) : "");
    std::mt19937 rng(std::random_device{}());
    int total = o.mode == "single" ? 4 : o.mode == "burst" ? (o.count > 0 ? o.count : 20) : o.count;
    auto period = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(1.0 / o.rate));
    auto t0 = std::chrono::steady_clock::now();
    int sent = 0;
    for (int i = 0; total == 0 || i < total; ++i) {
        if (util::stop_requested()) break;
        const Topic& t = k_topics[i % 4];
        Json payload = payload_for(t, i, rng);
        auto ack = svc.publish(t.domain, t.type, payload);
        ++sent;
        if (ctx.global.json)  // one NDJSON line per event on stdout; the logs stay on stderr
            ctx.print(Json{{"n", i + 1}, {"subject", fmt::format("events.{}.{}", t.domain, t.type)},
                           {"stream", ack.stream}, {"seq", ack.seq}, {"payload", payload}}
                          .dump() + "\n");
        log::info("📤 #{} {}.{} → {} seq {}", i + 1, t.domain, t.type, ack.stream, ack.seq);
        if (o.mode == "continuous" && !util::sleep_unless_stopped(period)) break;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log::info("✅ {} complete: {} events published in {:.2f} s ({:.0f}/s)",
              o.mode == "burst" ? "Burst" : "Publishing", sent, s, s > 0 ? sent / s : 0.0);
    if (ctx.global.json)
        ctx.print(Json{{"summary", {{"published", sent}, {"duration_ms", std::round(s * 1000)},
                                    {"mode", o.mode}}}}.dump() + "\n");
    svc.stop();
    return 0;
}

}  // namespace

void setup_events_pub(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<PubOpts>();
    auto* app = demo.add_subcommand("events-pub");
    app->add_option("--mode", o->mode, "continuous (at --rate), single (one of each), burst")
        ->check(CLI::IsMember({"continuous", "single", "burst"}))
        ->capture_default_str();
    app->add_option("--rate", o->rate, "events per second in continuous mode")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 100000.0));
    app->add_option("--count", o->count, "events to publish (burst default 20; 0 = until Ctrl-C)")
        ->check(CLI::Range(0, 100000000));
    app->add_option("--instance-id", o->instance_id, "instance id (default event-publisher-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_events_pub(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
