#pragma once
// Shared state of one doctor run; internal to core/doctor.
#include <memory>
#include <string>
#include <optional>

#include "core/config/nats_url.hpp"
#include "core/doctor/doctor.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::doctor {

struct Run {
    const config::SdkConfig& config;
    const Options& options;
    Report report;
    std::optional<config::Resolution> resolution;
    std::shared_ptr<nats::Connection> conn;
    bool jetstream = false;
    bool kubernetes_used = false;  // Kubernetes is how NATS is (or would be) found
    int cluster_size = 0;          // servers the connection knows (check_cluster)

    void add(std::string group, std::string name, Status status, std::string message,
             std::string fix = {});
    void skip(const std::string& group, const std::string& name, const std::string& why) {
        add(group, name, Status::skip, why);
    }
};

// "1 instance", "3 instances".
inline std::string plural(size_t n, const std::string& noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

void check_config(Run& run);
void check_kubernetes(Run& run);
void check_nats(Run& run);       // resolution, connection, auth, JetStream
void check_cluster(Run& run);    // servers known, reachable and routed into JetStream
void check_storage(Run& run);    // buckets and streams (with their replicas)
void check_services(Run& run);   // registry, leaders, $SRV.PING
void check_clock(Run& run);

}  // namespace aegis::doctor
