#pragma once
// A discovery cache fed by a KV watch on the registry: always current, no polling. Staleness is
// still judged on read, because bucket max_age expiry produces no watch event.
#include <chrono>
#include <optional>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/registry/registry.hpp"

namespace aegis::nats {
class KvWatch;
}

namespace aegis::registry {

enum class ChangeKind { added, updated, removed };

struct Change {
    ChangeKind kind;
    std::string service;
    std::string instance_id;
    std::optional<ServiceInstance> instance;  // empty for removed
};

class DiscoveryCache {
public:
    explicit DiscoveryCache(Registry& registry);
    ~DiscoveryCache();

    // Blocks until the watch has replayed the current registry (or `timeout`); false on timeout.
    bool wait_ready(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    std::vector<Listed> list(const ListOptions& options = {}) const;
    std::vector<std::string> services(bool include_stale = false) const;
    // Called on the watch thread for every change after the initial replay.
    void on_change(std::function<void(const Change&)> callback);

private:
    void apply(const std::string& key, const std::string* value, uint64_t revision);
    mutable std::mutex m_mutex;
    std::condition_variable m_ready_cv;
    bool m_ready = false;
    struct Entry {
        ServiceInstance instance;
        uint64_t revision = 0;
        std::optional<KeyNames> mismatched_key;
    };
    std::map<std::string, Entry> m_entries;  // by KV key
    std::function<void(const Change&)> m_callback;
    std::unique_ptr<nats::KvWatch> m_watch;
};

}  // namespace aegis::registry
