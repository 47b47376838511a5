#include <CLI/CLI.hpp>

#include "commands/demos/demo.hpp"

namespace aegis::cmd::demos {

void setup_echo(CLI::App&, Context&);
void setup_echo_single(CLI::App&, Context&);
void setup_order(CLI::App&, Context&);
void setup_inventory(CLI::App&, Context&);
void setup_events_pub(CLI::App&, Context&);
void setup_events_sub(CLI::App&, Context&);
void setup_metrics(CLI::App&, Context&);
void setup_health(CLI::App&, Context&);
void setup_patterns(CLI::App&, Context&);
void setup_commands_demo(CLI::App&, Context&);
void setup_inspector(CLI::App&, Context&);
void setup_metrics_reader(CLI::App&, Context&);
void setup_health_monitor(CLI::App&, Context&);

const std::vector<DemoSpec>& demo_table() {
    static const std::vector<DemoSpec> table = {
        {"echo", "load-balanced echo service 'echo-service' (echo, status, delay_echo)", setup_echo},
        {"echo-single", "single-active echo 'echo-single-service': one leader, automatic failover",
         setup_echo_single},
        {"order", "single-active order processor 'order-processor' (exactly-once orders in KV)",
         setup_order},
        {"inventory", "single-writer inventory 'inventory-manager' (reserve, release, get_stock)",
         setup_inventory},
        {"events-pub", "event publisher: order, payment, inventory, system events at --rate",
         setup_events_pub},
        {"events-sub", "event subscriber 'event-subscriber': --mode compete|broadcast|exclusive",
         setup_events_sub},
        {"metrics", "metrics collector 'metrics-collector': metrics in registry metadata",
         setup_metrics},
        {"health", "health reporter 'health-reporter': checks drive ACTIVE / UNHEALTHY",
         setup_health},
        {"patterns", "Service vs External Client side by side ('calculator-service')",
         setup_patterns},
        {"commands", "command handler 'batch-processor': progress, bounded redelivery",
         setup_commands_demo},
        {"inspector", "management: list instances straight from the registry", setup_inspector},
        {"metrics-reader", "management: aggregate the metrics services publish in metadata",
         setup_metrics_reader},
        {"health-monitor", "management: flag missed heartbeats and unhealthy instances",
         setup_health_monitor},
    };
    return table;
}

}  // namespace aegis::cmd::demos
