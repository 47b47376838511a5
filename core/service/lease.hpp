#pragma once
// The lease logic of the election, free of NATS so it can be tested with a fake clock:
// the Python leader value (docs/protocol.md §8.3, vector G15), a standby's view of the lease, and the
// leader's self-fencing clock.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/wire/json.hpp"

namespace aegis::service {

using Mono = std::chrono::steady_clock::time_point;

// {"instance_id","elected_at","last_heartbeat","metadata"}, epoch-second floats, compact JSON.
struct LeaderValue {
    std::string instance_id;
    double elected_at = 0;
    double last_heartbeat = 0;
    Json metadata = Json::object();
};
std::string encode_leader_value(const LeaderValue& v);

// What a standby knows: the lease's current revision and when *this process* saw it change.
// Staleness is judged on that local, monotonic observation time, never on the writer's wall
// clock: clock skew between machines can then neither cause an early takeover nor block one.
// (Wall-clock age is still reported, for people and for Python readers.)
class LeaseView {
public:
    // A put. Seeing the same revision again (a watch replay) does not restart the clock.
    // `probe`: the holder says it answers a liveness probe (see Election).
    void seen(const std::string& holder, double last_heartbeat, uint64_t revision, Mono at,
              bool probe = false);
    // A delete / purge marker (a clean release), or no key at all (revision 0).
    void seen_absent(uint64_t revision, Mono at);

    bool held() const noexcept { return m_held; }
    uint64_t revision() const noexcept { return m_revision; }
    const std::string& holder() const noexcept { return m_holder; }  // empty when not held
    double last_heartbeat() const noexcept { return m_last_heartbeat; }
    bool probe() const noexcept { return m_held && m_probe; }
    // Since when the current holder has held the lease without interruption.
    Mono holder_since() const noexcept { return m_holder_since; }
    // How long no renewal has been observed.
    std::chrono::milliseconds quiet_for(Mono now) const;
    // Held and quiet for longer than `lease`.
    bool stale(Mono now, std::chrono::milliseconds lease) const;

private:
    bool m_held = false;
    bool m_known = false;
    uint64_t m_revision = 0;
    std::string m_holder;
    double m_last_heartbeat = 0;
    bool m_probe = false;
    Mono m_changed_at{};
    Mono m_holder_since{};
};

// The leader's side. The fence deadline counts from the moment a successful write was *sent*:
// a standby can observe that write only later, and waits a full lease after observing it, so
// with fence_after < lease the old leader is silent before any takeover can succeed.
class LeaseHold {
public:
    void acquired(uint64_t revision, Mono sent_at);
    void renewed(uint64_t revision, Mono sent_at);
    void released();

    bool holding() const noexcept { return m_holding; }
    uint64_t revision() const noexcept { return m_revision; }
    uint64_t term() const noexcept { return m_term; }  // the revision that won the election
    Mono last_sent() const noexcept { return m_sent; }
    bool fenced(Mono now, std::chrono::milliseconds fence_after) const;

private:
    bool m_holding = false;
    uint64_t m_revision = 0;
    uint64_t m_term = 0;
    Mono m_sent{};
};

}  // namespace aegis::service
