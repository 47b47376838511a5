#pragma once
// `aegis validate`: a doctor. One result per check, each problem with an exact fix. Config checks
// work offline; Kubernetes checks run when Kubernetes is how NATS is found; NATS, JetStream,
// bucket, stream, service and clock checks need a connection and are skipped without one.
#include <chrono>
#include <string>
#include <vector>

#include "core/config/sdk_config.hpp"
#include "core/wire/json.hpp"

namespace aegis::doctor {

enum class Status { ok, warn, fail, skip };
std::string to_string(Status s);

struct Check {
    std::string group;  // config, kubernetes, nats, buckets, streams, services, clock
    std::string name;
    Status status = Status::ok;
    std::string message;
    std::string fix;
};

struct Report {
    std::vector<Check> checks;
    bool failed() const;
    int count(Status s) const;
};

struct Options {
    // Set when the config could not be loaded: reported as the first (failed) check.
    std::string config_error;
    std::string config_error_fix;
    bool offline = false;  // config checks only
    std::chrono::milliseconds timeout{3000};
    std::chrono::seconds stale_after{35};
    std::chrono::seconds skew_warn{2};
};

Report run(const config::SdkConfig& config, const Options& options = {});
Json to_json(const Report& report);

}  // namespace aegis::doctor
