#pragma once
// JetStream key-value buckets over nats.c: get, put, create, revision-checked update and delete,
// keys, watch, and create-if-missing that never reconfigures an existing bucket.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/nats/connection.hpp"

typedef struct __kvStore kvStore;

namespace aegis::nats {

enum class KvOp { put, del, purge };

struct KvEntry {
    std::string key;
    std::string value;
    uint64_t revision = 0;
    KvOp op = KvOp::put;
    std::chrono::system_clock::time_point created;
};

// The SDK's implicit bucket settings (docs/protocol.md §1.4).
struct BucketConfig {
    std::string name;
    int history = 10;
    std::chrono::nanoseconds max_age{0};  // 0 = forever
    int32_t max_value_size = 1048576;
    int replicas = 0;  // 0: the connection's (storage_replicas)
    std::string description;
};

// Replicas for a bucket or stream created through `conn`: its kv_replicas, or with auto (0),
// 3 when it knows a cluster of 3 or more servers, else 1.
int storage_replicas(const Connection& conn);

struct BucketStatus {
    std::string name;
    uint64_t values = 0;
    int64_t history = 0;
    std::chrono::nanoseconds ttl{0};
    int64_t replicas = 0;
};

class KvWatch;

class KeyValue {
public:
    // Opens an existing bucket; NotFoundError when it is missing. With `timeout`, the bucket's
    // operations wait at most that long (own JetStream context) instead of the connection's
    // JetStream timeout: callers that must not hang during an outage (leases) use a short one.
    static KeyValue open(const std::shared_ptr<Connection>& conn, const std::string& bucket,
                         std::optional<milliseconds> timeout = std::nullopt);
    // Opens the bucket, creating it with `config` only when it does not exist.
    static KeyValue open_or_create(const std::shared_ptr<Connection>& conn,
                                   const BucketConfig& config,
                                   std::optional<milliseconds> timeout = std::nullopt);
    KeyValue(KeyValue&&) noexcept;
    KeyValue& operator=(KeyValue&&) noexcept;
    ~KeyValue();

    // nullopt when the key is missing or its last operation was a delete / purge.
    std::optional<KvEntry> get(const std::string& key) const;
    uint64_t put(const std::string& key, std::string_view value);
    // Fails with ConflictError when the key holds a value (a deleted key may be re-created).
    uint64_t create(const std::string& key, std::string_view value);
    // create, waiting at most `wait` for the server's answer (TimeoutError after it): for work
    // that must end by a deadline (an exclusive call must end before its lease can be taken
    // over). A key with a delete marker counts as present here (ConflictError).
    uint64_t create_within(const std::string& key, std::string_view value, milliseconds wait);
    // Fails with ConflictError unless the key's last revision is `last_revision`.
    uint64_t update(const std::string& key, std::string_view value, uint64_t last_revision);
    // Read-modify-write with optimistic concurrency: reads `key`, passes its value to `change`
    // and writes what it returns with the revision read; when someone wrote in between, reads
    // again, up to `tries` times. `change` returns nullopt to write nothing (the answer is
    // already known). Returns the revision written, 0 when nothing was. NotFoundError when the
    // key is missing; ConflictError when it kept changing.
    using Change = std::function<std::optional<std::string>(std::string_view value)>;
    uint64_t update_with(const std::string& key, const Change& change, int tries = 10);
    void erase(const std::string& key);  // delete marker
    // Delete marker only if the key is still at `last_revision` (ConflictError otherwise).
    void erase(const std::string& key, uint64_t last_revision);
    void purge(const std::string& key);
    std::vector<std::string> keys() const;  // empty when the bucket holds none
    // Every live entry whose key starts with `prefix`, sorted by key: the keys from the stream's
    // subject index, then their values by direct gets pipelined on one inbox (kv_batch.hpp), or
    // one get each when the bucket allows no direct get (no consumer either way: see kv.cpp).
    std::vector<KvEntry> entries(const std::string& prefix = {}) const;
    BucketStatus status() const;
    const std::string& bucket() const noexcept { return m_bucket; }

    struct WatchEvent {
        std::optional<KvEntry> entry;  // empty for the "caught up with history" marker
    };
    // Watches keys matching `pattern` ("*" / ">" wildcards, e.g. "service-instances__>"):
    // replays current values (deletes included), then a caught-up marker, then live updates.
    // `handler` runs on the watch's own thread until the KvWatch is destroyed.
    std::unique_ptr<KvWatch> watch(const std::string& pattern,
                                   std::function<void(const WatchEvent&)> handler) const;

private:
    KeyValue(std::shared_ptr<Connection> conn, kvStore* kv, std::string bucket);
    jsCtx* js() const;
    std::shared_ptr<Connection> m_conn;
    kvStore* m_kv = nullptr;
    jsCtx* m_own_js = nullptr;  // set when opened with a timeout
    std::optional<milliseconds> m_timeout;  // that timeout
    std::string m_bucket;
};

class KvWatch {
public:
    ~KvWatch();
    void stop();

private:
    friend class KeyValue;
    KvWatch() = default;
    void* m_watcher = nullptr;  // kvWatcher*
    std::weak_ptr<Connection> m_conn;  // never keeps the connection alive
    std::shared_ptr<std::atomic<bool>> m_stop = std::make_shared<std::atomic<bool>>(false);
    std::thread m_thread;
};

}  // namespace aegis::nats
