#include <CLI/CLI.hpp>
#include <vector>

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
        {"echo", "load-balanced echo service 'echo-service' (echo, status, delay_echo)", setup_echo,
         "aegis demo echo --instance 2\naegis call echo-service echo message=hi"},
        {"echo-single", "single-active echo 'echo-single-service': one leader, automatic failover",
         setup_echo_single,
         "aegis demo echo-single --instance 2 &\naegis call echo-single-service echo message=hi\n"
         "aegis failover echo-single-service --spawn 3 --trials 5"},
        {"order", "single-active order processor 'order-processor' (exactly-once orders in KV)",
         setup_order,
         "aegis call order-processor create_order order_id=A-1 customer=ada amount:=12.5\n"
         "aegis call order-processor get_statistics"},
        {"inventory", "single-writer inventory 'inventory-manager' (reserve, release, get_stock)",
         setup_inventory,
         "aegis call inventory-manager reserve sku=WIDGET-1 quantity:=2\n"
         "aegis call inventory-manager get_stock"},
        {"events-pub", "event publisher: orders, payments, inventory, alerts (Python topics)",
         setup_events_pub, "aegis demo events-pub --rate 5\naegis demo events-pub --mode single"},
        {"events-sub", "event subscriber 'event-subscriber': --mode compete|broadcast|exclusive",
         setup_events_sub, "aegis demo events-sub --mode broadcast --instance 2"},
        {"metrics", "metrics collector 'metrics-collector': metrics in registry metadata",
         setup_metrics,
         "aegis call metrics-collector simulate_load duration=10 intensity=high\n"
         "aegis demo metrics-reader"},
        {"health", "health reporter 'health-reporter': checks drive ACTIVE / UNHEALTHY",
         setup_health,
         "aegis call health-reporter set_health healthy=false reason='db down'\n"
         "aegis demo health-monitor"},
        {"patterns", "Service vs External Client side by side ('calculator-service')",
         setup_patterns, "aegis demo patterns --json"},
        {"commands", "command handler 'batch-processor': progress, bounded redelivery",
         setup_commands_demo,
         "aegis command send batch-processor process_batch size=5\n"
         "aegis command send batch-processor process_batch size=3 fail=1"},
        {"inspector", "management: list instances straight from the registry", setup_inspector,
         "aegis demo inspector --json"},
        {"metrics-reader", "management: aggregate the metrics services publish in metadata",
         setup_metrics_reader, "aegis demo metrics-reader --json"},
        {"health-monitor", "management: flag missed heartbeats and unhealthy instances",
         setup_health_monitor, "aegis demo health-monitor --interval 2"},
    };
    return table;
}

}  // namespace aegis::cmd::demos
