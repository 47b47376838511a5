#pragma once
// What `aegis failover` sees of the election: a KV watch on the leader key (who holds the lease,
// deletes) and the events.sticky_active.* events of the service (LeaderLost carries the moment a
// standby judged the old lease dead, LeaderElected the winner).
#include <memory>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/nats/connection.hpp"
#include "core/scenario/failover_analysis.hpp"

namespace aegis::nats {
class KeyValue;
class KvWatch;
}  // namespace aegis::nats

namespace aegis::scenario {

class LeaseObserver {
public:
    LeaseObserver(std::shared_ptr<nats::Connection> conn, std::string service,
                  std::string group = "default");
    ~LeaseObserver();
    LeaseObserver(const LeaseObserver&) = delete;
    LeaseObserver& operator=(const LeaseObserver&) = delete;

    // Subscribes to the events, then opens the election bucket — waiting up to `wait` for it to
    // appear (instances being spawned create it). UnavailableError when it never does.
    void start(std::chrono::milliseconds wait);
    void stop();

    std::vector<LeaseEvent> events() const;
    std::optional<std::string> holder() const;  // the current lease holder
    const std::string& bucket() const noexcept { return m_bucket; }
    const std::string& key() const noexcept { return m_key; }

private:
    void on_event(nats::Msg& msg);
    std::shared_ptr<nats::Connection> m_conn;
    std::string m_service, m_group, m_bucket, m_key;
    std::unique_ptr<nats::KeyValue> m_kv;
    std::unique_ptr<nats::KvWatch> m_watch;
    nats::Subscription m_events;
    mutable std::mutex m_mutex;
    std::vector<LeaseEvent> m_log;
    std::optional<std::string> m_holder;
};

}  // namespace aegis::scenario
