#pragma once
// ServiceInstance: the registry value of docs/protocol.md §6.3 (compact camelCase JSON).
#include <optional>
#include <string>
#include <string_view>

#include "core/wire/json.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::registry {

struct ServiceInstance {
    std::string service_name;
    std::string instance_id;
    std::string version = "1.0.0";
    std::string status = "ACTIVE";  // ACTIVE | UNHEALTHY | STANDBY
    std::string last_heartbeat;     // ISO 8601, kept as written
    std::optional<std::string> sticky_active_group;
    // Compatible extension (§6.6): top-level snake_case, accepted by the SDK and monitor-api.
    std::optional<std::string> sticky_active_status;
    Json metadata = Json::object();

    std::optional<wire::SysTime> heartbeat_time() const;
    // Seconds since lastHeartbeat; a missing or unparsable heartbeat counts as infinitely old.
    double age_seconds(wire::SysTime now) const;
};

// Exactly serviceName, instanceId, version, status, lastHeartbeat, stickyActiveGroup, metadata
// (+ sticky_active_status when set), compact and ASCII-escaped like Python's json.dumps.
std::string to_registry_json(const ServiceInstance& inst);
// Accepts camelCase and snake_case spellings; throws DataError when required fields are missing
// or have the wrong type.
ServiceInstance instance_from_registry_json(std::string_view text);
Json to_json_value(const ServiceInstance& inst);  // the camelCase object

}  // namespace aegis::registry
