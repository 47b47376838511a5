#pragma once
// Reading leaders straight from the election buckets (docs/protocol.md §8.2–8.3): bucket
// election_<service with - → _>, key sticky-active.<service>.<group>.leader, value
// {"instance_id","elected_at","last_heartbeat","metadata"} in epoch seconds. Read-only.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/json.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::client {

struct LeaderInfo {
    std::string bucket;
    std::string service;  // as written in the key (the lower-cased service name)
    std::string group;
    std::string instance_id;
    std::optional<wire::SysTime> elected_at;
    std::optional<wire::SysTime> last_heartbeat;  // the last lease renewal
    Json metadata = Json::object();
    uint64_t revision = 0;

    // Seconds since the last renewal (infinite when the value carries none).
    double lease_age_s(wire::SysTime now) const;
    // Seconds since the election (infinite when unknown).
    double tenure_s(wire::SysTime now) const;
};

// sticky-active.<service>.<group>.leader → service, group; false for any other key.
bool parse_leader_key(std::string_view key, std::string& service, std::string& group);
// Accepts both Python layouts: epoch-second numbers (the repository) and ISO strings (the
// ElectionCoordinator's elected_at). Throws DataError without a string instance_id.
LeaderInfo parse_leader_value(std::string_view json);

// Every leader of every election_* bucket (or only `service`'s bucket), one KV pass per bucket.
// Unreadable values are skipped.
std::vector<LeaderInfo> read_leaders(const std::shared_ptr<nats::Connection>& conn,
                                     const std::string& service = {});

}  // namespace aegis::client
