#pragma once
// The `service_registry` KV bucket: register, heartbeat, deregister, list with staleness.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/registry/instance.hpp"

namespace aegis::nats {
class Connection;
class KeyValue;
}  // namespace aegis::nats

namespace aegis::registry {

inline constexpr std::chrono::seconds k_default_stale_after{35};

// The service and instance id a registry key names.
struct KeyNames {
    std::string service;
    std::string instance_id;
};

// The key's names when they are not the value's (nullopt when they agree): an entry copied or
// forged under another key. Anyone can write any key, so the key decides where an entry is
// listed, and a value that names someone else is nobody's registration.
std::optional<KeyNames> key_mismatch(std::string_view key, const ServiceInstance& inst);

struct Listed {
    ServiceInstance instance;
    uint64_t revision = 0;
    double age_seconds = 0;  // since lastHeartbeat
    bool stale = false;
    std::string key;                         // the KV key it was read from
    std::optional<KeyNames> mismatched_key;  // key_mismatch(key, instance)
    // The names it is listed under: the key's (the value's when they agree).
    const std::string& service() const;
    const std::string& instance_id() const;
};

struct ListOptions {
    std::string service;  // empty = every service
    bool include_stale = false;
    // Entries whose value disagrees with their key are left out (and counted) unless asked for.
    bool include_mismatched = false;
    std::chrono::seconds stale_after = k_default_stale_after;
};

class Registry {
public:
    // Opens `service_registry`, creating it with the SDK settings only if it is missing.
    explicit Registry(std::shared_ptr<nats::Connection> conn);
    // The bucket as it is: nullopt when the server has none (nothing is created). With `wait`,
    // every JetStream request through it (the look-up, lists, reads) waits at most that long.
    static std::optional<Registry> open_existing(
        std::shared_ptr<nats::Connection> conn,
        std::optional<std::chrono::milliseconds> wait = std::nullopt);
    ~Registry();
    Registry(Registry&&) noexcept;

    // Writes the whole value (registration and every heartbeat). Returns the revision. When
    // the bucket has vanished from the server (restarted with an empty store) it is created
    // again and the put retried once.
    uint64_t put(const ServiceInstance& inst);
    // Creates the bucket when the server no longer has it; true when it did.
    bool ensure_bucket();
    void remove(const std::string& service, const std::string& instance);
    std::optional<Listed> get(const std::string& service, const std::string& instance,
                              std::chrono::seconds stale_after = k_default_stale_after) const;
    // Sorted by service, then instance. Values that do not parse are skipped (and counted).
    std::vector<Listed> list(const ListOptions& options = {}) const;
    size_t unreadable_count() const noexcept { return m_unreadable; }
    // Entries of the last list() whose value disagrees with their key (listed or not).
    size_t mismatched_count() const noexcept { return m_mismatched; }
    nats::KeyValue& bucket();

private:
    Registry(std::shared_ptr<nats::Connection> conn, std::unique_ptr<nats::KeyValue> kv);
    std::shared_ptr<nats::Connection> m_conn;
    std::unique_ptr<nats::KeyValue> m_kv;
    mutable size_t m_unreadable = 0;
    mutable size_t m_mismatched = 0;
};

}  // namespace aegis::registry
