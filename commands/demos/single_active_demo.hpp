#pragma once
// What the single-active demos (echo-single, order, inventory) share: their options, building
// the SingleActiveService, logging ACTIVE / STANDBY transitions, and running until stopped.
#include <chrono>
#include <memory>
#include <string>

#include "commands/context.hpp"
#include "commands/demos/demo.hpp"
#include "core/service/single_active.hpp"

namespace aegis::cmd::demos {

struct SingleDemoOptions {
    std::string service;  // defaults to the Python example's name
    std::string instance_id;
    int instance = default_instance_number();
    std::string group = "default";
    std::string policy = "balanced";
    bool python_parity = false;
    std::chrono::milliseconds heartbeat{10000};
    int workers = 0;
};

// --service, --instance-id, --instance, --group, --policy, --python-parity, --heartbeat.
void add_single_demo_options(CLI::App& app, SingleDemoOptions& o, const std::string& service);

std::unique_ptr<SingleActiveService> make_single_demo(Context& ctx, const SingleDemoOptions& o,
                                                      const std::string& description);

// Logs "👑 … ACTIVE" / "💤 … STANDBY" on every change, starts, waits for SIGINT / SIGTERM
// (checked every 5 ms: a clean stop hands leadership over at once), stops.
// The demo's own KV bucket: `<service with - → _>_<suffix>` (order-processor → order_processor_orders).
std::string demo_bucket(std::string service, const std::string& suffix);

int run_single_demo(SingleActiveService& svc, const SingleDemoOptions& o, const std::string& label,
                    const std::string& methods);

}  // namespace aegis::cmd::demos
