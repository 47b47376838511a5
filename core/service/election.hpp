#pragma once
// Leader election on a JetStream KV lease, with the Python key/value layout (docs/protocol.md §8):
// bucket election_<service with - → _>, key sticky-active.<service>.<group>.leader.
//
//  * acquire: KV create (also over a delete marker);
//  * renew:   revision-checked update every renew_interval, refreshing last_heartbeat;
//  * detect:  standbys watch the key and judge, on a timer, how long no renewal has been seen;
//  * takeover of a stale lease: revision-checked update against the stale revision, so of two
//             racing standbys exactly one wins (never a blind delete + create);
//  * release: on a clean stop, delete with the expected revision: standbys create at once;
//  * fencing: the leader stops serving when its last successful renewal is older than
//             fence_after (< lease), before any standby is allowed to take over, and while its
//             connection is down or has reconnected since its last successful renewal;
//  * departure: standbys probe the leader's own $SRV.PING subject every probe_interval. "No
//             responders" means the server has dropped the leader's connection (a crashed
//             process): a standby takes over at once with the same revision-checked update,
//             without waiting for the lease. A frozen or partitioned leader still answers or
//             times out; for it the lease stays the detector.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/service/failover_policy.hpp"
#include "core/service/lease.hpp"
#include "core/wire/json.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::nats {
class Connection;
class KeyValue;
class KvWatch;
struct KvEntry;
}  // namespace aegis::nats

namespace aegis::service {

struct ElectionOptions {
    std::string service;
    std::string group = "default";
    std::string instance_id;
    FailoverPolicy policy;
    std::function<Json()> metadata;  // written into the leader value (may be empty)
    // This instance answers $SRV.PING.<service>.<instance_id> (its Services API responder is
    // subscribed before start()): the leader value says so and standbys may probe it.
    bool probe = false;
    // Called (on the election thread, under its lock: keep it short) when a renewal failed for
    // a reason other than a lost race, with the term held.
    std::function<void(uint64_t term)> renew_failed;
};

// The leader value's metadata key announcing the liveness probe, and the subject a standby
// probes for a holder (built from the service and the holder's id, never read from the value).
inline constexpr const char* k_liveness_key = "liveness_probe";
inline constexpr const char* k_liveness_srv_ping = "$SRV.PING";
std::string probe_subject(const std::string& service, const std::string& instance_id);

struct LeadershipChange {
    bool leader = false;  // gained (true) or lost (false)
    // Gained: "Elected" (free key) or "Took over a stale lease". Lost: "Another instance
    // elected", "Lease expired" (fenced: renewals failed) or "Leadership released" (clean stop).
    std::string reason;
    std::optional<std::string> previous_leader;  // gained by takeover: whose lease went stale
    std::optional<std::string> new_leader;       // lost: who holds the lease now, when known
    std::chrono::milliseconds silent_for{0};     // takeover: how long no renewal had been seen
    bool departed = false;  // takeover because the old leader's connection was gone
    uint64_t term = 0;                           // the lease revision that won
    wire::SysTime at;                            // when the change took effect
    wire::SysTime detected_at;                   // takeover: when the old lease was judged dead
};

class Election {
public:
    using Listener = std::function<void(const LeadershipChange&)>;
    // `listener` runs on the election thread (and in start/stop). On a gain it runs after this
    // instance already counts as leader; on a loss, after it stopped counting as leader — except
    // a release, where it runs first (to drain in-flight calls) and the key is deleted after.
    Election(std::shared_ptr<nats::Connection> conn, ElectionOptions options, Listener listener);
    ~Election();
    Election(const Election&) = delete;
    Election& operator=(const Election&) = delete;

    // Opens (or creates) the bucket, tries once to acquire, then watches and renews in the
    // background. Returns true when this instance won at once.
    bool start();
    // release = true: a leader hands over at once (delete with the expected revision).
    void stop(bool release = true);

    // Holds the lease and is not fenced — checked at call time by exclusive methods.
    bool is_leader() const;
    // How long this leader's lease is sure to be its own: until its last successful renewal
    // (as sent) + the lease, the earliest moment a standby may take it over. Exclusive work
    // that ends before then cannot overlap a successor's. 0 when not the leader.
    std::chrono::milliseconds lease_left() const;
    std::optional<std::string> leader_id() const;  // as last seen in the bucket
    uint64_t term() const;
    const std::string& key() const noexcept { return m_key; }
    const ElectionOptions& options() const noexcept { return m_options; }

private:
    enum class Attempt { create, takeover, departed };
    void loop();
    void probe_loop();
    bool probe_due(Mono now) const;
    void on_watch(const nats::KvEntry* entry);
    void acquire(std::unique_lock<std::mutex>& lk, Attempt how);
    bool won_read_back(uint64_t rev) const;
    void renew(std::unique_lock<std::mutex>& lk);
    void win(std::unique_lock<std::mutex>& lk, uint64_t rev, Mono sent, LeadershipChange c);
    void lose(std::unique_lock<std::mutex>& lk, std::string reason);
    void refresh(std::unique_lock<std::mutex>& lk);
    std::string value(double elected_at) const;
    void note_error(const char* what, const std::exception& e);
    // election_recover.cpp: after a reconnect, make sure the bucket still exists, create it
    // again when the server lost it (restarted empty), and act at once. Not on "no responders"
    // alone: on a cluster that is a stream electing its leader, not a lost bucket.
    void recover(std::unique_lock<std::mutex>& lk);
    bool ensure_bucket();

    std::shared_ptr<nats::Connection> m_conn;
    ElectionOptions m_options;
    Listener m_listener;
    std::string m_bucket, m_key;
    std::unique_ptr<nats::KeyValue> m_kv;
    std::unique_ptr<nats::KvWatch> m_watch;

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    LeaseView m_view;
    LeaseHold m_hold;
    double m_elected_at = 0;
    Mono m_next_renew{};
    Mono m_retry_at{};  // no new attempt before this after an error that was not a conflict
    bool m_pending_create = false;
    std::optional<std::string> m_lost_to;  // set by the watch: someone else holds the lease
    std::optional<std::string> m_departed;  // set by the probe: this holder's connection is gone
    bool m_stopping = false;
    bool m_started = false;
    bool m_recover = false;    // a reconnect happened: check the bucket (retried until done)
    bool m_recreated = false;  // the bucket was created again: the leader re-creates its key
    int m_reconnect_listener = 0;
    int m_errors = 0;
    std::thread m_thread;
    std::thread m_probe_thread;

    std::atomic<bool> m_leader{false};
    // The connection's reconnect count when the last successful renewal was sent: after a
    // reconnect the leader serves again only once a renewal has proved it still holds the lease.
    std::atomic<uint64_t> m_generation{0};
    std::atomic<int64_t> m_fence_deadline{0};  // steady_clock ticks
};

}  // namespace aegis::service
