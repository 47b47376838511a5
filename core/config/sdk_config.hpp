#pragma once
// The SDK configuration (the seed's SDKConfig + K8sNATSConfig, plus auth and TLS) and where each
// value came from. Sources, weakest first: defaults, the config file (top level, then the chosen
// context), environment, flags.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/nats/connection.hpp"

namespace aegis::config {

struct K8sNatsConfig {
    std::string namespace_name = "aegis-trader";
    std::string service_name = "aegis-trader-nats";
    int port = 4222;        // the service's NATS port when it names none 'nats'
    int local_port = 4222;  // localhost port probed for a forward, and preferred for ours
    bool use_port_forward = true;
    std::string context;    // kubeconfig context; empty = the current one
    std::string kubectl = "kubectl";
};

struct SdkConfig {
    std::string service_name;
    std::string nats_url = "auto";
    std::string environment = "auto";  // auto | in-cluster | docker | local-k8s | production | none
    bool debug = false;
    std::chrono::seconds heartbeat_interval{10};
    // Replicas of the buckets and streams aegis creates (an existing one is never changed).
    // 0 = auto: 3 when the server is part of a cluster of 3 or more, else 1.
    int kv_replicas = 0;
    // Services: requests that may wait per method (more are answered OVERLOADED), and how long
    // running handlers may take to finish on SIGTERM / SIGINT.
    int max_pending = 256;
    std::chrono::seconds stop_grace{10};
    K8sNatsConfig k8s;
    nats::Auth auth;  // token, user/password, creds, nkey seed, TLS CA / cert / key

    // Provenance: dotted field name → "default", "file PATH:LINE", "env NAME", "flag --x".
    std::map<std::string, std::string> sources;
    std::string file;                   // the config file read; empty when none
    std::string context;                // the named context applied; empty when none
    std::vector<std::string> contexts;  // every context the file defines
    std::vector<std::string> searched;  // where a config file was looked for

    bool auto_url() const { return nats_url.empty() || nats_url == "auto"; }
    std::string source_of(const std::string& field) const;
};

struct LoadOptions {
    std::string config_file;  // --config (else $AEGIS_CONFIG, ./aegis.yaml, XDG config)
    std::string context;      // --context (else $AEGIS_CONTEXT, the file's current_context)
    std::string server;       // --server
    std::string creds_file;   // --creds
    bool use_environment = true;
    bool read_file = true;  // false: skip the file (validate goes on past a bad one)
};

// Reads every source. ConfigError (exit 78) names the file, line and field that is wrong;
// NoInputError (66) when an explicitly named file is missing.
SdkConfig load_config(const LoadOptions& options = {});

// One row per field for `aegis config show`: value as text (secrets masked) and its source.
struct ConfigRow {
    std::string key;
    std::string value;
    std::string source;
    bool secret = false;
};
std::vector<ConfigRow> describe(const SdkConfig& config);

// The file a load would read ("" when none), without parsing it.
std::string find_config_file(const LoadOptions& options, std::vector<std::string>* searched);

}  // namespace aegis::config
