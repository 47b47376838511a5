#pragma once
// Wakes `aegis explore --watch` when the picture changes: a registry entry appears, goes or
// changes in anything but its heartbeat time, or a leader key changes hands. Heartbeat-only
// rewrites (every instance, every few seconds) are ignored.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace aegis::nats {
class Connection;
class KeyValue;
class KvWatch;
}  // namespace aegis::nats

namespace aegis::tool {

class ChangeWatch {
public:
    explicit ChangeWatch(std::shared_ptr<nats::Connection> conn);
    ~ChangeWatch();
    ChangeWatch(const ChangeWatch&) = delete;
    ChangeWatch& operator=(const ChangeWatch&) = delete;

    // Waits up to `timeout` for a change; true when one happened since the last call.
    bool wait(std::chrono::milliseconds timeout);
    // Starts watching buckets created since the last scan (election_*, and the registry when
    // it did not exist yet). Never creates a bucket.
    void rescan();

private:
    void watch_bucket(const std::string& bucket, bool registry);
    void seen(const std::string& key, const std::string* identity);
    std::shared_ptr<nats::Connection> m_conn;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_changed = false;
    std::map<std::string, std::string> m_identity;  // bucket/key → value without its heartbeat
    using Watch = std::pair<std::unique_ptr<nats::KeyValue>, std::unique_ptr<nats::KvWatch>>;
    std::map<std::string, Watch> m_watches;  // by bucket
};

}  // namespace aegis::tool
