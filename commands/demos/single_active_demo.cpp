#include "commands/demos/single_active_demo.hpp"
#include <chrono>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/util/log.hpp"
#include "core/util/signals.hpp"

namespace aegis::cmd::demos {

void add_single_demo_options(CLI::App& app, SingleDemoOptions& o, const std::string& service) {
    o.service = service;
    app.add_option("--service", o.service, "service name")->capture_default_str();
    app.add_option("--instance-id", o.instance_id, "instance id (default <service>-<hex>)");
    app.add_option("--instance", o.instance,
                    "instance number shown in results and logs (default: the process id)");
    app.add_option("--group", o.group, "single-active group")->capture_default_str();
    app.add_option("--policy", o.policy, "failover policy (lease timings, docs/single-active.md)")
        ->check(CLI::IsMember({"aggressive", "balanced", "conservative"}))
        ->capture_default_str();
    app.add_flag("--python-parity", o.python_parity,
                 "standbys subscribe exclusive methods and answer NOT_ACTIVE (Python shape)");
    add_heartbeat_option(&app, o.heartbeat);
}

std::unique_ptr<SingleActiveService> make_single_demo(Context& ctx, const SingleDemoOptions& o,
                                                      const std::string& description) {
    ServiceOptions so;
    so.name = o.service;
    so.instance_id = o.instance_id;
    so.description = description;
    so.heartbeat_interval = o.heartbeat;
    so.workers = o.workers;
    SingleActiveOptions sa;
    sa.group = o.group;
    sa.policy = FailoverPolicy::from_name(o.policy);
    sa.python_parity = o.python_parity;
    return std::make_unique<SingleActiveService>(ctx.nats("aegis demo " + o.service), so, sa);
}

int run_single_demo(SingleActiveService& svc, const SingleDemoOptions& o, const std::string& label,
                    const std::string& methods) {
    const int n = o.instance;
    const std::string id = svc.instance_id();
    svc.on_leadership([&svc, n, id, label](bool leader) {
        if (leader)
            log::info("👑 {} #{} ({}) is ACTIVE: leader of group '{}', serving exclusive calls",
                      label, n, id, svc.group());
        else {
            auto leader = svc.leader_id();
            if (leader == id) leader.reset();  // we just released it
            log::info("💤 {} #{} ({}) is STANDBY (leader: {})", label, n, id,
                      leader.value_or("none"));
        }
    });
    svc.start();
    log::info(
        "✅ {} #{} started: service {}, instance {}, pattern single-active (policy {}, "
        "lease {} ms), methods {}",
        label, n, svc.name(), id, svc.policy().mode, svc.policy().lease.count(), methods);
    util::wait_for_stop(nullptr, std::chrono::milliseconds(5));
    log::info("🛑 Stopping {} #{} (signal {}){}", label, n, util::stop_signal(),
              svc.is_leader() ? ": handing leadership over" : "");
    svc.stop();
    return 0;
}

std::string demo_bucket(std::string service, const std::string& suffix) {
    for (char& c : service)
        if (c == '-') c = '_';
    return service + "_" + suffix;
}

}  // namespace aegis::cmd::demos
