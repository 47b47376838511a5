#pragma once
// The instances `aegis failover --spawn N` starts itself: `aegis demo <demo>` children of this
// very binary, each with a known instance id (so the leader in the election bucket maps to a
// PID), output in one log file per instance.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/fault/proxy.hpp"

namespace aegis::scenario {

struct FleetOptions {
    std::string binary;  // the aegis executable (e.g. /proc/self/exe)
    std::string server;  // NATS URL for the children (passed as $AEGIS_NATS_URL)
    std::string demo = "echo-single";
    std::string service;  // --service for the demo
    std::string policy = "balanced";
    std::string log_dir;  // one <instance>.log per child
    std::vector<std::string> extra_args;
    // A command of the user's instead of `aegis demo`: argv with {id} and {n} replaced by the
    // instance id and number; the id also goes in AEGIS_INSTANCE_ID and the service name in
    // AEGIS_SERVICE_NAME (an aegis::quick_setup program takes both from there), the number in
    // AEGIS_INSTANCE. Connection settings come through `env`.
    std::vector<std::string> command;
    std::vector<std::pair<std::string, std::string>> env;  // added to every child's environment
    // Each child connects through a fault proxy of its own (core/fault/proxy.hpp) to `server`,
    // so that one instance can be cut off alone. `server` must then be one loopback URL.
    bool proxied = false;
};

class Fleet {
public:
    explicit Fleet(FleetOptions options);
    ~Fleet();  // SIGTERM to every child still running
    Fleet(const Fleet&) = delete;
    Fleet& operator=(const Fleet&) = delete;

    std::string spawn();  // starts one more instance; returns its instance id
    bool ours(const std::string& id) const;
    pid_t pid(const std::string& id) const;  // 0 when not ours
    void signal(const std::string& id, int sig);
    // The child's fault proxy (null unless proxied).
    fault::FaultProxy* proxy(const std::string& id) const;
    // Waits for the child to exit and forgets it; its exit status, or -1 if it is still running
    // after `wait` (it is then SIGKILLed).
    int reap(const std::string& id, std::chrono::milliseconds wait);
    void stop_all();
    size_t size() const { return m_children.size(); }
    std::vector<std::string> ids() const;
    std::string log_path(const std::string& id) const;
    const FleetOptions& options() const { return m_options; }

private:
    std::vector<std::string> command_argv(const std::string& id, int number) const;
    std::vector<std::string> demo_argv(const std::string& id, int number) const;
    FleetOptions m_options;
    std::map<std::string, pid_t> m_children;
    std::map<std::string, std::unique_ptr<fault::FaultProxy>> m_proxies;
    int m_spawned = 0;
};

}  // namespace aegis::scenario
