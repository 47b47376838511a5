#pragma once
// The short path for service authors: find NATS, connect, build a Service.
#include <string>

#include "core/service/service.hpp"

namespace aegis {

struct QuickOptions {
    // empty: "auto" resolution (config file, AEGIS_NATS_URL / NATS_URL, in-cluster, an existing
    // forward, Kubernetes port-forward, 'aegis up'), see core/config/nats_url.hpp
    std::string server;
    std::string config_file;  // empty: $AEGIS_CONFIG, ./aegis.yaml, $XDG_CONFIG_HOME/aegis
    std::string context;      // a named context of the config file
    std::string instance_id;  // empty: <name>-<8 hex>
    std::string version = "1.0.0";
    std::string description;
};

// Reads --server URL, --config FILE, --context NAME and --instance-id ID from argv when present
// (other arguments are left alone).
QuickOptions quick_options_from_args(int argc, char** argv);

Service quick_setup(const std::string& name, const QuickOptions& options = {});
inline Service quick_setup(const std::string& name, int argc, char** argv) {
    return quick_setup(name, quick_options_from_args(argc, argv));
}

// Connects to one explicit URL with the project's defaults (name "aegis/<what>", reconnect
// forever) and no auth; config::connect() is the configured, "auto"-resolving way.
std::shared_ptr<nats::Connection> connect_nats(const std::string& url, const std::string& name);

}  // namespace aegis
