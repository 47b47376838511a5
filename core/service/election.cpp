#include "core/service/election.hpp"
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include <algorithm>

#include "core/client/leaders.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"

namespace aegis::service {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double wall_now() { return wire::epoch_seconds(std::chrono::system_clock::now()); }

int64_t ticks(Mono t) { return t.time_since_epoch().count(); }

struct Holder {
    std::string id;
    double last_heartbeat = 0;
    bool probe = false;  // announces the $SRV.PING liveness probe, with an id fit for a subject
};

// The holder of a stored value; an unreadable value still holds the key.
Holder holder_of(const nats::KvEntry& e) {
    try {
        auto info = client::parse_leader_value(e.value);
        Holder h{info.instance_id,
                 info.last_heartbeat ? wire::epoch_seconds(*info.last_heartbeat) : 0.0, false};
        auto it = info.metadata.find(k_liveness_key);
        h.probe = it != info.metadata.end() && *it == k_liveness_srv_ping &&
                  wire::check_instance_id(h.id).empty();
        return h;
    } catch (const std::exception&) {
        return {"?", 0.0, false};
    }
}

}  // namespace

std::string probe_subject(const std::string& service, const std::string& instance_id) {
    return std::string(k_liveness_srv_ping) + "." + service + "." + instance_id;
}

Election::Election(std::shared_ptr<nats::Connection> conn, ElectionOptions options,
                   Listener listener)
    : m_conn(std::move(conn)), m_options(std::move(options)), m_listener(std::move(listener)) {
    m_options.policy.validate();
    m_bucket = wire::election_bucket(m_options.service);
    m_key = wire::leader_key(m_options.service, m_options.group);
}

Election::~Election() {
    try {
        stop(true);
    } catch (...) {
    }
}

std::string Election::value(double elected_at) const {
    LeaderValue v;
    v.instance_id = m_options.instance_id;
    v.elected_at = elected_at;
    v.last_heartbeat = wall_now();
    if (m_options.metadata) v.metadata = m_options.metadata();
    if (m_options.probe) {
        if (!v.metadata.is_object()) v.metadata = Json::object();
        v.metadata[k_liveness_key] = k_liveness_srv_ping;
    }
    return encode_leader_value(v);
}

bool Election::start() {
    std::unique_lock lk(m_mutex);
    if (m_started) return m_hold.holding();
    nats::BucketConfig cfg;
    cfg.name = m_bucket;
    cfg.description = "aegis single-active election (sticky-active leader leases)";
    m_kv = std::make_unique<nats::KeyValue>(
        nats::KeyValue::open_or_create(m_conn, cfg, m_options.policy.kv_timeout));
    m_started = true;
    m_stopping = false;
    refresh(lk);
    if (!m_view.held()) acquire(lk, Attempt::create);
    lk.unlock();
    m_watch = m_kv->watch(m_key, [this](const nats::KeyValue::WatchEvent& ev) {
        on_watch(ev.entry ? &*ev.entry : nullptr);
    });
    m_reconnect_listener = m_conn->add_reconnect_listener([this] {
        {
            std::lock_guard guard(m_mutex);
            m_recover = true;
        }
        m_cv.notify_all();
    });
    m_thread = std::thread([this] { loop(); });
    if (m_options.policy.probe_interval.count() > 0)
        m_probe_thread = std::thread([this] { probe_loop(); });
    return is_leader();
}

void Election::stop(bool release) {
    {
        std::lock_guard lk(m_mutex);
        if (!m_started || m_stopping) return;
        m_stopping = true;
    }
    m_cv.notify_all();
    m_conn->remove_reconnect_listener(m_reconnect_listener);
    if (m_thread.joinable()) m_thread.join();
    if (m_probe_thread.joinable()) m_probe_thread.join();
    if (m_watch) m_watch->stop();
    std::unique_lock lk(m_mutex);
    if (!m_hold.holding()) return;
    uint64_t rev = m_hold.revision();
    LeadershipChange c;
    c.reason = release ? "Leadership released" : "Stopped";
    c.term = m_hold.term();
    c.at = std::chrono::system_clock::now();
    lk.unlock();
    if (release) m_listener(c);  // drains exclusive calls while still leader
    m_leader = false;
    if (!release) m_listener(c);
    bool erased = false;
    // Without a connection the delete would only sit out the KV timeout; the lease then goes
    // stale and a standby takes over after it, as after a crash.
    if (release && !m_conn->is_connected()) {
        log::warn("'{}': NATS is unreachable: the lease is not released, it goes stale",
                  m_options.instance_id);
    } else if (release) {
        try {
            m_kv->erase(m_key, rev);
            erased = true;
        } catch (const std::exception& e) {
            log::warn("'{}': could not release the lease: {}", m_options.instance_id, e.what());
        }
    }
    lk.lock();
    m_hold.released();
    if (erased) m_view.seen_absent(rev + 1, Clock::now());  // we know it is free now
}

bool Election::is_leader() const {
    // Disconnected, a standby may already have taken over (it sees "no responders"); after a
    // reconnect, until a renewal succeeds on the new connection.
    return m_leader.load() && ticks(Clock::now()) < m_fence_deadline.load() &&
           m_conn->is_connected() && m_conn->reconnects() == m_generation.load();
}

std::chrono::milliseconds Election::lease_left() const {
    if (!is_leader()) return milliseconds(0);
    const auto& p = m_options.policy;
    auto end = Mono(Clock::duration(m_fence_deadline.load())) - p.fence_after + p.lease;
    return std::max(milliseconds(0),
                    std::chrono::duration_cast<milliseconds>(end - Clock::now()));
}

std::optional<std::string> Election::leader_id() const {
    std::lock_guard lk(m_mutex);
    if (!m_view.held()) return std::nullopt;
    return m_view.holder();
}

uint64_t Election::term() const {
    std::lock_guard lk(m_mutex);
    return m_hold.holding() ? m_hold.term() : 0;
}

void Election::on_watch(const nats::KvEntry* e) {
    if (!e) return;  // caught up with the stored value
    auto now = Clock::now();
    std::lock_guard lk(m_mutex);
    if (e->op == nats::KvOp::put) {
        auto h = holder_of(*e);
        m_view.seen(h.id, h.last_heartbeat, e->revision, now, h.probe);
        if (m_hold.holding() && h.id != m_options.instance_id && e->revision > m_hold.revision())
            m_lost_to = h.id;
    } else {
        m_view.seen_absent(e->revision, now);
        // Deleted under us (an operator's purge) counts as lost; for standbys it is the signal
        // of a clean release: try to create at once.
        if (m_hold.holding() && e->revision > m_hold.revision()) m_lost_to = std::string();
        m_pending_create = true;
    }
    m_cv.notify_all();
}

void Election::loop() {
    const auto& p = m_options.policy;
    std::unique_lock lk(m_mutex);
    while (!m_stopping) {
        auto now = Clock::now();
        const bool recover_now = m_recover && now >= m_retry_at;
        if (m_hold.holding()) {
            if (m_lost_to) {
                lose(lk, "Another instance elected");
            } else if (m_hold.fenced(now, p.fence_after)) {
                lose(lk, "Lease expired");
            } else if (recover_now) {
                recover(lk);
            } else if (now >= m_next_renew || m_conn->reconnects() != m_generation.load()) {
                renew(lk);  // due, or reconnected: prove the lease on the new connection now
            } else {
                auto fence_at = m_hold.last_sent() + p.fence_after;
                m_cv.wait_until(lk, std::min({m_next_renew, fence_at, now + p.check_interval}),
                                [&] {
                                    return m_stopping || m_lost_to.has_value() ||
                                           (m_recover && Clock::now() >= m_retry_at);
                                });
            }
            continue;
        }
        if (recover_now) {
            recover(lk);
            continue;
        }
        if (now >= m_retry_at && m_pending_create) {
            m_pending_create = false;
            if (!m_view.held()) acquire(lk, Attempt::create);
        } else if (now >= m_retry_at && m_departed) {
            bool same = m_view.held() && m_view.holder() == *m_departed;
            m_departed.reset();
            if (same) acquire(lk, Attempt::departed);
        } else if (now >= m_retry_at && m_view.stale(now, p.lease)) {
            acquire(lk, Attempt::takeover);
        } else {
            auto until = std::max(now + p.check_interval, m_retry_at);
            m_cv.wait_until(lk, until, [&] {
                return m_stopping ||
                       ((m_pending_create || m_departed || m_recover) &&
                        Clock::now() >= m_retry_at);
            });
        }
    }
}

// Reads the key and feeds the view (start, and after a lost race).
void Election::refresh(std::unique_lock<std::mutex>& lk) {
    lk.unlock();
    std::optional<nats::KvEntry> e;
    try {
        e = m_kv->get(m_key);
    } catch (const std::exception& ex) {
        lk.lock();
        note_error("read the lease", ex);
        return;
    }
    lk.lock();
    auto now = Clock::now();
    if (!e) {
        if (!m_view.held() && m_view.revision() == 0) m_view.seen_absent(0, now);
        return;
    }
    auto h = holder_of(*e);
    m_view.seen(h.id, h.last_heartbeat, e->revision, now, h.probe);
}

bool Election::probe_due(Mono now) const {
    return !m_stopping && !m_hold.holding() && !m_departed && m_view.probe() &&
           m_view.holder() != m_options.instance_id &&
           now - m_view.holder_since() >= m_options.policy.renew_interval;
}

// A standby's liveness probe of the leader. Only "no responders" counts: the server answers it
// at once when no connection is subscribed to the leader's own $SRV.PING subject, which the
// leader subscribed before it ever took the lease — so its connection is gone. A reply or a
// timeout (a frozen, slow or partitioned leader) leaves the decision to the lease. A holder
// must have held for a renewal interval first, so that a just-elected leader's subscription
// has reached every server of a cluster.
void Election::probe_loop() {
    const auto& p = m_options.policy;
    // Short: a probe that reaches the server just before it has dropped a killed leader's
    // connection is lost and only times out; the next probe sees "no responders".
    const auto timeout = std::clamp(p.probe_interval * 2, milliseconds(20), p.lease / 2);
    std::unique_lock lk(m_mutex);
    while (!m_stopping) {
        m_cv.wait_for(lk, p.probe_interval, [&] { return m_stopping; });
        if (!probe_due(Clock::now()) || !m_conn->is_connected()) continue;
        std::string holder = m_view.holder();
        lk.unlock();
        bool gone = false;
        try {
            m_conn->request(probe_subject(m_options.service, holder), "", timeout);
        } catch (const NoRespondersError&) {
            gone = true;
        } catch (const std::exception&) {
        }
        lk.lock();
        if (gone && probe_due(Clock::now()) && m_view.holder() == holder) {
            log::info("'{}': the leader '{}' has no connection (no responders on its $SRV.PING)",
                      m_options.instance_id, holder);
            m_departed = holder;
            m_cv.notify_all();
        }
    }
}

bool Election::won_read_back(uint64_t rev) const {
    auto now = m_kv->get(m_key);
    return now && now->revision == rev;
}

void Election::acquire(std::unique_lock<std::mutex>& lk, Attempt how) {
    LeadershipChange c;
    c.leader = true;
    uint64_t stale_rev = m_view.revision();
    if (how != Attempt::create) {
        c.departed = how == Attempt::departed;
        c.reason = c.departed ? "Took over from a disconnected leader" : "Took over a stale lease";
        c.previous_leader = m_view.holder();
        c.silent_for = m_view.quiet_for(Clock::now());
        c.detected_at = std::chrono::system_clock::now();
    } else {
        c.reason = "Elected";
    }
    double elected_at = wall_now();
    std::string v = value(elected_at);
    lk.unlock();
    auto sent = Clock::now();
    const uint64_t generation = m_conn->reconnects();
    uint64_t rev = 0;
    bool conflict = false;
    std::optional<std::string> failure;
    try {
        if (!m_conn->is_connected()) throw UnavailableError("NATS disconnected");
        rev = how == Attempt::create ? m_kv->create(m_key, v) : m_kv->update(m_key, v, stale_rev);
        // A replicated bucket on nats-server 2.9 can accept two writes that expect the same
        // revision (nats-io/nats-server#4320): read the key back, and a later revision than
        // ours means another standby's write went through too, so we did not win.
        if (rev && !won_read_back(rev)) {
            rev = 0;
            conflict = true;
        }
    } catch (const ConflictError&) {
        conflict = true;
    } catch (const std::exception& e) {
        failure = e.what();
    }
    lk.lock();
    if (rev) {
        m_elected_at = elected_at;
        m_generation = generation;
        c.term = rev;
        c.at = std::chrono::system_clock::now();
        win(lk, rev, sent, std::move(c));
    } else if (conflict) {
        refresh(lk);  // someone else won (or the leader renewed): learn the new revision
    } else {
        note_error("acquire the lease", std::runtime_error(failure.value_or("")));
    }
}

void Election::renew(std::unique_lock<std::mutex>& lk) {
    std::string v = value(m_elected_at);
    uint64_t rev = m_hold.revision();
    lk.unlock();
    auto sent = Clock::now();
    const uint64_t generation = m_conn->reconnects();
    uint64_t next = 0;
    bool conflict = false;
    std::optional<std::string> failure;
    try {
        // Disconnected, an update would wait out the KV timeout and hold up a stop; it fails
        // now instead, and the fence stops exclusive calls as it would after a timeout.
        if (!m_conn->is_connected()) throw UnavailableError("NATS disconnected");
        // After the bucket was created again our key is gone: write it anew (a conflict then
        // means a standby got there first).
        next = m_recreated ? m_kv->create(m_key, v) : m_kv->update(m_key, v, rev);
    } catch (const ConflictError&) {
        conflict = true;
    } catch (const std::exception& e) {
        failure = e.what();
    }
    lk.lock();
    const auto& p = m_options.policy;
    if (next) {
        m_recreated = false;
        m_hold.renewed(next, sent);
        m_generation = generation;
        m_fence_deadline = ticks(sent + p.fence_after);
        m_next_renew = sent + p.renew_interval;
        m_errors = 0;
    } else if (conflict) {
        m_recreated = false;
        if (!m_lost_to) m_lost_to = std::string();
    } else {
        note_error("renew the lease", std::runtime_error(failure.value_or("")));
        if (m_options.renew_failed) m_options.renew_failed(m_hold.term());
        m_next_renew = Clock::now() + std::max(milliseconds(10), p.renew_interval / 4);
    }
}

void Election::win(std::unique_lock<std::mutex>& lk, uint64_t rev, Mono sent, LeadershipChange c) {
    const auto& p = m_options.policy;
    m_hold.acquired(rev, sent);
    m_view.seen(m_options.instance_id, wall_now(), rev, Clock::now());
    m_next_renew = sent + p.renew_interval;
    m_lost_to.reset();
    m_departed.reset();
    m_pending_create = false;
    m_errors = 0;
    m_fence_deadline = ticks(sent + p.fence_after);
    m_leader = true;
    lk.unlock();
    m_listener(c);
    lk.lock();
}

void Election::lose(std::unique_lock<std::mutex>& lk, std::string reason) {
    m_leader = false;
    LeadershipChange c;
    c.reason = std::move(reason);
    c.term = m_hold.term();
    if (m_lost_to && !m_lost_to->empty()) c.new_leader = *m_lost_to;
    c.at = std::chrono::system_clock::now();
    // A leader cut off from NATS learns of its loss only when a renewal in flight returns (up
    // to the KV timeout), but it stopped counting as leader at its fence deadline: that is
    // when it lost, and what its LeaderLost says.
    auto now = Clock::now();
    auto fence = m_hold.last_sent() + m_options.policy.fence_after;
    if (m_hold.holding() && fence < now)
        c.at -= std::chrono::duration_cast<std::chrono::system_clock::duration>(now - fence);
    m_hold.released();
    m_lost_to.reset();
    lk.unlock();
    m_listener(c);
    lk.lock();
}

void Election::note_error(const char* what, const std::exception& e) {
    // An error that is not a lost race (timeout, outage): back off a little, and log the first
    // of a series and then every 20th so an outage does not flood the log.
    m_retry_at = Clock::now() + std::max(milliseconds(100), m_options.policy.check_interval);
    if (m_errors++ % 20 == 0)
        log::warn("'{}': could not {} in '{}': {}", m_options.instance_id, what, m_bucket,
                  e.what());
}

}  // namespace aegis::service
