// Election: recovering from a server that lost its store (restarted empty) or a reconnect.
#include "core/nats/kv.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include "core/service/election.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::service {

using Clock = std::chrono::steady_clock;

bool Election::ensure_bucket() {
    try {
        nats::KeyValue::open(m_conn, m_bucket, m_options.policy.kv_timeout);
        return false;
    } catch (const NotFoundError&) {
    }
    nats::BucketConfig cfg;
    cfg.name = m_bucket;
    cfg.description = "aegis single-active election (sticky-active leader leases)";
    // Never reconfigures: open_or_create only creates a bucket that does not exist.
    nats::KeyValue::open_or_create(m_conn, cfg, m_options.policy.kv_timeout);
    return true;
}

// After a reconnect: a leader renews at once (its registry entry follows via the listener), a
// standby watches afresh. When the bucket had to be created again the key is gone: the leader
// writes it anew, standbys give it one lease to do so before they try (update at revision 0
// acts as a create, so of several racing standbys exactly one wins).
void Election::recover(std::unique_lock<std::mutex>& lk) {
    lk.unlock();
    bool created = false;
    std::unique_ptr<nats::KvWatch> old_watch;
    try {
        if (!m_conn->is_connected()) throw UnavailableError("NATS disconnected");
        created = ensure_bucket();
        // Watch afresh: the old watch's consumer may have lived on the server that went away
        // (or with the store that was lost), and nats.c notices only after missed heartbeats —
        // seconds in which this instance would not see a renewal and could judge a live lease
        // stale. The new watch replays the current value first.
        auto w = m_kv->watch(m_key, [this](const nats::KeyValue::WatchEvent& ev) {
            on_watch(ev.entry ? &*ev.entry : nullptr);
        });
        lk.lock();
        old_watch = std::exchange(m_watch, std::move(w));
        lk.unlock();
    } catch (const std::exception& e) {
        lk.lock();
        note_error("check the election bucket", e);
        return;
    }
    if (old_watch) old_watch->stop();
    lk.lock();
    m_recover = false;
    auto now = Clock::now();
    if (created) {
        log::info("'{}': election bucket '{}' was missing on the server: created it again",
                  m_options.instance_id, m_bucket);
        m_view.seen(m_view.holder(), 0, 0, now);
        if (m_hold.holding()) m_recreated = true;
    }
    if (m_hold.holding()) m_next_renew = now;
}

}  // namespace aegis::service
