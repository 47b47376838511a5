#pragma once
// One picture of the system for explore, monitor and the REPL: the registry (instances,
// heartbeat ages, staleness), the election buckets (leaders, lease ages) and the Services API
// (who answers $SRV, PING round trips, methods from INFO). Read-only: never writes a bucket.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/leaders.hpp"
#include "core/client/srv_client.hpp"
#include "core/registry/registry.hpp"

namespace aegis::tool {

// healthy: fresh heartbeat (and answers $SRV when it can); unhealthy: the instance says so;
// stale: heartbeat older than the threshold; ghost: fresh entry of an aegis C++ instance that
// does not answer $SRV; unverified: fresh entry of a Python instance (Python has no $SRV, so
// only its heartbeat speaks for it); unregistered: answers $SRV but has no registry entry;
// mismatched_key: a registry entry whose value names another service or instance than its key
// (listed under the key, never joined with anything the value claims).
// overloaded: healthy, but its $SRV metadata says it is shedding requests (load=overloaded).
enum class InstanceState { healthy, unhealthy, stale, ghost, unverified, unregistered, overloaded,
                           mismatched_key };
const char* state_name(InstanceState s);

struct InstanceView {
    std::string service;
    std::string instance_id;
    std::optional<registry::Listed> entry;  // empty for an unregistered responder
    std::string sdk;      // "cpp", "python", or "" (a responder we cannot place)
    std::string role;     // "leader", "standby", or "" (load-balanced)
    std::string group;    // the sticky-active group, when known
    std::string version;  // registry, else $SRV
    InstanceState state = InstanceState::healthy;
    bool answers_srv = false;
    std::optional<double> rtt_ms;       // $SRV.PING round trip
    std::vector<std::string> methods;   // from this instance's $SRV.INFO
    Json srv_metadata = Json::object(); // $SRV metadata (strings)
};

struct GroupView {
    std::string group;
    std::optional<client::LeaderInfo> leader;
    bool lease_expired = false;      // last renewal older than the lease TTL
    bool leader_registered = false;  // the leader is a fresh registry entry
};

struct ServiceView {
    std::string name;
    bool single_active = false;
    std::vector<std::string> versions;     // distinct, sorted
    std::vector<std::string> methods;      // union of $SRV.INFO endpoints, sorted
    std::vector<InstanceView> instances;   // sorted by instance id
    std::vector<GroupView> groups;         // single-active only
    size_t stale_hidden = 0;               // stale instances left out of `instances`
    size_t count(InstanceState s) const;
    const char* pattern() const { return single_active ? "single-active" : "load-balanced"; }
};

enum class FlagKind { ghost, unregistered, stale, no_leader, leader_not_registered,
                      mismatched_key };
const char* flag_name(FlagKind k);

struct Flag {
    FlagKind kind;
    std::string service;
    std::string instance;  // empty for group flags
    std::string group;     // empty for instance flags
    std::string message;
};

struct SnapshotOptions {
    std::string service;         // only this service (empty: all)
    bool include_stale = false;  // list stale instances (they are flagged either way)
    std::chrono::seconds stale_after = registry::k_default_stale_after;
    std::chrono::milliseconds lease_ttl{5000};  // Python's leader_ttl default
    bool probe = true;                          // ask $SRV (PING + INFO)
    std::chrono::milliseconds srv_window{150};  // quiet time that ends the $SRV gathering
    std::chrono::milliseconds srv_max_wait{1500};
};

struct SystemSnapshot {
    wire::SysTime taken_at{};
    std::chrono::microseconds took{0};
    bool probed = false;
    std::vector<ServiceView> services;  // sorted by name
    std::vector<Flag> flags;
    size_t stale_hidden = 0;  // stale entries left out (include_stale = false)
    size_t unreadable = 0;    // registry values nobody can parse

    const ServiceView* find(std::string_view service) const;
    const InstanceView* find(std::string_view service, std::string_view instance_id) const;
    // Whether a flag of `kind` names `who` (an instance id, or a group).
    bool flagged(FlagKind kind, std::string_view who) const;
    size_t instance_count() const;
};

// The join itself, without I/O. `entries` must include stale ones; `replies` may mix PING,
// INFO and STATS bodies (any of them proves the instance answers).
SystemSnapshot join_snapshot(std::vector<registry::Listed> entries,
                             std::vector<client::LeaderInfo> leaders,
                             const std::vector<client::SrvReply>& replies,
                             const SnapshotOptions& options, wire::SysTime now);

// snake_case JSON for --json (times RFC 3339, durations *_ms / *_s).
Json to_json(const SystemSnapshot& snapshot);
Json to_json(const InstanceView& instance, wire::SysTime now);

// Reads the three sources at once: the KV pass and the $SRV scatter run in parallel, and the
// scatter ends as soon as every registered aegis instance has answered. Creates nothing.
class SystemView {
public:
    explicit SystemView(std::shared_ptr<nats::Connection> conn);
    ~SystemView();
    SystemSnapshot snapshot(const SnapshotOptions& options = {});
    // The registry, opened on first use once the bucket exists (nullptr before): a reader must
    // not create `service_registry` as a side effect.
    registry::Registry* registry();
    const std::shared_ptr<nats::Connection>& connection() const { return m_conn; }

private:
    std::shared_ptr<nats::Connection> m_conn;
    std::unique_ptr<registry::Registry> m_registry;
};

// obj[key] when it is a string, else "" (replies come from anyone: never trust their types).
std::string json_str(const Json& obj, const char* key);
// {"state","queued","shed","expired"} from an aegis instance's $SRV metadata, else null.
Json load_json(const Json& srv_metadata);
// "cpp" when the entry says so (metadata.sdk = aegis-cpp), else "python".
std::string entry_sdk(const registry::ServiceInstance& inst);
// A short summary of an instance's metadata for tables: "up 5m12s, zone=a, ..." (≤ max chars).
std::string metadata_summary(const Json& metadata, wire::SysTime now, size_t max = 48);
// "850ms", "12s", "3m04s", "2h05m", "3d04h"; "-" for infinity / negative.
std::string human_age(double seconds);

}  // namespace aegis::tool
