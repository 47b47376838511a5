// aegis demo events-sub: the event_subscriber.py of the Python quickstart, working — compete,
// broadcast and exclusive subscriptions that log which instance got which event, with
// per-subject statistics every few seconds (docs/events.md).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <atomic>
#include <map>
#include <mutex>

#include "commands/demos/demo.hpp"
#include "commands/options.hpp"
#include "core/service/single_active.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

namespace {

struct SubOpts {
    std::string service = "event-subscriber";
    std::string mode = "compete";
    std::vector<std::string> patterns;
    std::string instance_id;
    int instance = default_instance_number();
    std::chrono::milliseconds stats{10000};
    int fail_every = 0;
    int max_attempts = 5;
    bool durable = false;
    std::chrono::milliseconds ack_wait{5000};
    std::string policy = "balanced";
    std::chrono::milliseconds heartbeat{10000};
};

// The exact subjects of the Python event_subscriber.py (and of `aegis demo events-pub`).
const std::vector<std::string> k_default_patterns = {
    "events.orders.created", "events.payments.processed", "events.inventory.updated",
    "events.system.alerts"};

class Stats {
public:
    int add(const std::string& key) {
        std::lock_guard lock(m_mutex);
        ++m_total;
        return ++m_by_subject[key];
    }
    std::string line() {
        std::lock_guard lock(m_mutex);
        std::string out;
        for (auto& [k, n] : m_by_subject) out += fmt::format("  {} {}", k, n);
        return fmt::format("{} events{}", m_total, out.empty() ? "" : ":" + out);
    }

private:
    std::mutex m_mutex;
    std::map<std::string, int> m_by_subject;
    int m_total = 0;
};

std::unique_ptr<Service> make_service(Context& ctx, const SubOpts& o, EventMode mode,
                                      SingleActiveService** single) {
    ServiceOptions so;
    so.name = o.service;
    so.instance_id = o.instance_id;
    so.description = "Event subscriber (AegisSDK quickstart example)";
    so.heartbeat_interval = o.heartbeat;
    auto conn = ctx.nats("aegis demo events-sub");
    if (mode != EventMode::exclusive) return std::make_unique<Service>(conn, so);
    SingleActiveOptions sa;
    sa.policy = FailoverPolicy::from_name(o.policy);
    auto svc = std::make_unique<SingleActiveService>(conn, so, sa);
    *single = svc.get();
    return svc;
}

int run_events_sub(Context& ctx, const SubOpts& o) {
    EventMode mode = parse_event_mode(o.mode);
    SingleActiveService* single = nullptr;
    auto svc = make_service(ctx, o, mode, &single);
    const int n = o.instance;
    const std::string id = svc->instance_id();
    auto stats = std::make_shared<Stats>();
    auto seen = std::make_shared<std::atomic<int>>(0);
    SubscribeOptions so;
    so.durable = o.durable;
    so.max_attempts = o.max_attempts;
    so.ack_wait = o.ack_wait;
    if (single) so.is_leader = [single] { return single->is_leader(); };
    const auto& patterns = o.patterns.empty() ? k_default_patterns : o.patterns;
    for (const auto& pattern : patterns) {
        svc->subscribe(pattern, mode, [=, &o](const wire::Event& e, const EventDelivery& d) {
            int k = ++*seen;
            if (o.fail_every > 0 && k % o.fail_every == 0 && d.attempt == 1)
                throw std::runtime_error("simulated failure (--fail-every " +
                                         std::to_string(o.fail_every) + ")");
            std::string key = e.domain + "." + e.event_type;
            int count = stats->add(key);
            log::info("📦 #{} ({}) got {} #{} from {}{} [{}, {}]", n, id, key, count,
                      e.header.source.value_or("-"),
                      d.attempt > 1 ? fmt::format(" (attempt {})", d.attempt) : "",
                      event_mode_name(mode), d.transport);
        }, so);
        log::info("📥 #{} subscribed to {} in {} mode", n, pattern, event_mode_name(mode));
    }
    if (single)
        single->on_leadership([svc = svc.get(), n, id](bool leader) {
            svc->refresh_leadership();
            if (leader) log::info("👑 #{} ({}) leads: processing exclusive events", n, id);
            else log::info("💤 #{} ({}) stands by: the leader processes events", n, id);
        });
    svc->start();
    log::info("✅ Event subscriber #{} started: service {}, instance {}, mode {}", n, svc->name(),
              id, event_mode_name(mode));
    auto period = o.stats;
    while (util::sleep_unless_stopped(period))
        log::info("📊 Event statistics for instance #{} ({}): {}", n, id, stats->line());
    svc->stop();
    log::info("🛑 Event subscriber #{} stopped. Final: {}", n, stats->line());
    return 0;
}

}  // namespace

void setup_events_sub(CLI::App& demo, Context& ctx) {
    auto o = std::make_shared<SubOpts>();
    auto* app = demo.add_subcommand("events-sub");
    app->footer("Default patterns: " + fmt::format("{}", fmt::join(k_default_patterns, " ")) +
                "\nRun several instances (--instance 2, 3, ...) and 'aegis demo events-pub'.");
    app->add_option("--mode", o->mode, "compete | broadcast | exclusive")
        ->check(CLI::IsMember({"compete", "broadcast", "exclusive"}))
        ->capture_default_str();
    app->add_option("--pattern", o->patterns, "subject pattern (repeatable), e.g. events.orders.*");
    app->add_option("--service", o->service, "service name")->capture_default_str();
    app->add_option("--instance-id", o->instance_id, "instance id (default <service>-<hex>)");
    app->add_option("--instance", o->instance,
                    "instance number shown in logs (default: the process id)");
    add_seconds_option(app, "--stats-interval", o->stats, "seconds between statistics lines",
                       {0.1, 3600});
    app->add_option("--fail-every", o->fail_every,
                    "fail the first attempt of every Nth event (shows redelivery)")
        ->check(CLI::Range(0, 1000000));
    app->add_option("--max-attempts", o->max_attempts, "attempts per event before giving up")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app->add_flag("--durable", o->durable,
                  "JetStream consumer for wildcard patterns too (not shared with Python)");
    add_seconds_option(app, "--ack-wait", o->ack_wait,
                       "JetStream: seconds before an unacknowledged event is redelivered (e.g. one "
                       "a killed leader had received)",
                       {0.5, 3600.0});
    app->add_option("--policy", o->policy, "exclusive: failover policy")
        ->check(CLI::IsMember({"aggressive", "balanced", "conservative"}))
        ->capture_default_str();
    add_heartbeat_option(app, o->heartbeat);
    app->callback([o, &ctx] { ctx.run = [o, &ctx] { return run_events_sub(ctx, *o); }; });
}

}  // namespace aegis::cmd::demos
