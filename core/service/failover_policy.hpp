#pragma once
// How fast a single-active group notices a lost leader, and how safely. The presets carry the
// Python FailoverPolicy names (docs/protocol.md §8.7) with lease timings that a working election
// needs (docs/protocol.md §8.4); docs/single-active.md explains the numbers.
#include <chrono>
#include <string>

namespace aegis {

struct FailoverPolicy {
    // aggressive | balanced | conservative | custom
    std::string mode = "balanced";
    // A lease nobody was seen renewing for this long is stale: a standby may take it over.
    std::chrono::milliseconds lease{800};
    // The leader rewrites last_heartbeat (revision-checked) this often: several times per lease.
    std::chrono::milliseconds renew_interval{200};
    // Standbys judge the lease's age this often (a local check, no network traffic).
    std::chrono::milliseconds check_interval{50};
    // The leader stops serving exclusive calls when its last successful renewal is older than
    // this. It is shorter than `lease`, so the old leader is silent before anyone may take over.
    std::chrono::milliseconds fence_after{600};
    // Standbys ask the leader's connection whether it still exists this often ($SRV.PING to the
    // leader's own subject: "no responders" means the server has closed its connection, so a
    // crashed leader is replaced without waiting for its lease). 0 = lease only.
    std::chrono::milliseconds probe_interval{50};
    // Longest wait for one election KV operation before it counts as failed.
    std::chrono::milliseconds kv_timeout{2000};

    static FailoverPolicy aggressive();    // lease 400 ms: crash failover ≈ 0.4 s
    static FailoverPolicy balanced();      // lease 800 ms: crash failover ≈ 0.75 s (default)
    static FailoverPolicy conservative();  // lease 3 s: crash failover ≈ 2.7 s, tolerates hiccups
    // One of the three names above; UsageError otherwise.
    static FailoverPolicy from_name(const std::string& name);
    // UsageError unless 0 < renew_interval < fence_after < lease and check_interval ≤ lease / 2.
    void validate() const;
};

}  // namespace aegis
