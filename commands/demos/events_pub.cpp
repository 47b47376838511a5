// aegis demo events-pub: the event_publisher.py of the Python quickstart, working — publishes
// orders.created, payments.processed, inventory.updated and system.alerts as AegisSDK Event
// envelopes through JetStream: continuously at --rate, one of each (single), or a burst.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <string>

#include <cmath>
#include <random>
#include <vector>

#include "commands/demos/demo.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::cmd::demos {

namespace {

struct PubOpts {
    std::string mode = "continuous";
    double rate = 2;
    double interval = 0;  // seconds between events (the Python flag); 0: use --rate
    int count = 0;
    std::string event;  // order | payment | inventory | alert; empty: all four in turn
    std::string instance_id;
    int instance = default_instance_number();
};

// The topics and payload fields of the Python examples (event_publisher.py and
// event_subscriber.py), so either side receives the other's events. aegis adds a field or two
// (currency, items, method, warehouse), never renames one.
struct Topic {
    const char* event;  // the --event name
    const char* domain;
    const char* type;
};
const Topic k_topics[] = {{"order", "orders", "created"},
                          {"payment", "payments", "processed"},
                          {"inventory", "inventory", "updated"},
                          {"alert", "system", "alerts"}};

Json payload_for(const Topic& t, int n, const std::string& source, std::mt19937& rng) {
    std::uniform_int_distribution<int> cents(500, 50000);
    std::string order = fmt::format("ORD-{}", 1000 + n);
    std::string what = t.event;
    std::string now = wire::iso_now();
    if (what == "order")
        return {{"order_id", order}, {"customer_id", fmt::format("CUST-{}", 100 + n % 37)},
                {"total_amount", cents(rng) / 100.0}, {"timestamp", now},
                {"created_by", source}, {"currency", "USD"}, {"items", 1 + n % 5}};
    if (what == "payment") {
        static const char* statuses[] = {"SUCCESS", "SUCCESS", "PENDING", "SUCCESS", "FAILED"};
        return {{"payment_id", fmt::format("PAY-{}", 5000 + n)}, {"order_id", order},
                {"amount", cents(rng) / 100.0}, {"status", statuses[n % 5]},
                {"timestamp", now}, {"processed_by", source},
                {"method", n % 2 ? "card" : "wallet"}};
    }
    if (what == "inventory") {
        static const char* reasons[] = {"sale", "restock", "adjustment"};
        int change = n % 3 == 1 ? 10 + n % 20 : -(1 + n % 3);
        return {{"product_id", fmt::format("PROD-{:03}", n % 50)}, {"quantity_change", change},
                {"new_quantity", 100 - n % 100}, {"reason", reasons[n % 3]}, {"timestamp", now},
                {"updated_by", source}, {"warehouse", "WH-1"}};
    }
    static const char* levels[] = {"INFO", "WARNING", "ERROR", "CRITICAL"};
    return {{"alert_level", levels[n % 4]},
            {"message", fmt::format("alert #{} from the demo publisher", n)},
            {"source", source},
            {"metadata", {{"component", "checkout"}, {"sequence", n}}},
            {"timestamp", now}};
}

std::vector<const Topic*> topics_for(const std::string& event) {
    std::vector<const Topic*> out;
    for (const auto& t : k_topics)
        if (event.empty() || event == t.event) out.push_back(&t);
    return out;
}

int run_events_pub(Context& ctx, const PubOpts& o) {
    ServiceOptions so;
    so.name = "event-publisher";
    so.instance_id = o.instance_id;
    so.description = "Event publisher (AegisSDK quickstart example)";
    Service svc(ctx.nats("aegis demo events-pub"), so);
    svc.start();
    const int n = o.instance;
    const auto topics = topics_for(o.event);
    std::string names;
    for (const Topic* t : topics) names += fmt::format("{}{}.{}", names.empty() ? "" : ", ",
                                                       t->domain, t->type);
    double rate = o.interval > 0 ? 1.0 / o.interval : o.rate;
    log::info("📡 Event publisher #{} ({}) publishing {} ({} mode{})", n, svc.instance_id(), names,
              o.mode, o.mode == "continuous" ? fmt::format(", {}/s", rate) : "");
    std::mt19937 rng(std::random_device{}());
    const int one_each = static_cast<int>(topics.size());
    int total = o.mode == "single" ? one_each
                : o.mode == "burst" ? (o.count > 0 ? o.count : 20)
                                    : o.count;
    auto period = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(1.0 / rate));
    auto t0 = std::chrono::steady_clock::now();
    int sent = 0;
    for (int i = 0; total == 0 || i < total; ++i) {
        if (util::stop_requested()) break;
        const Topic& t = *topics[i % one_each];
        Json payload = payload_for(t, i, svc.instance_id(), rng);
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
    auto* rate = app->add_option("--rate", o->rate, "events per second in continuous mode")
                     ->capture_default_str()
                     ->check(CLI::Range(0.01, 100000.0));
    app->add_option("--interval", o->interval,
                    "seconds between events in continuous mode (the Python flag; 1/--rate)")
        ->check(CLI::Range(0.00001, 100.0))
        ->excludes(rate);
    app->add_option("--event", o->event,
                    "publish only this event: order, payment, inventory, alert (default: all)")
        ->check(CLI::IsMember({"order", "payment", "inventory", "alert"}));
    app->add_option("--count", o->count, "events to publish (burst default 20; 0 = until Ctrl-C)")
        ->check(CLI::Range(0, 100000000));
    app->add_option("--instance-id", o->instance_id, "instance id (default event-publisher-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_events_pub(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
