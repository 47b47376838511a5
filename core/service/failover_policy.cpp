#include "core/service/failover_policy.hpp"
#include <chrono>
#include <string>

#include "core/util/error.hpp"

namespace aegis {

using std::chrono::milliseconds;

namespace {

// renew = lease / 4 and fence = 3/4 of the lease: a leader fences itself after three missed
// renewals, and a quarter lease of silence separates its last exclusive call from a takeover.
FailoverPolicy preset(const char* mode, milliseconds lease, milliseconds check) {
    FailoverPolicy p;
    p.mode = mode;
    p.lease = lease;
    p.renew_interval = lease / 4;
    p.fence_after = lease * 3 / 4;
    p.check_interval = check;
    p.probe_interval = check;
    return p;
}

}  // namespace

FailoverPolicy FailoverPolicy::aggressive() {
    return preset("aggressive", milliseconds(400), milliseconds(25));
}
FailoverPolicy FailoverPolicy::balanced() {
    return preset("balanced", milliseconds(800), milliseconds(50));
}
FailoverPolicy FailoverPolicy::conservative() {
    return preset("conservative", milliseconds(3000), milliseconds(200));
}

FailoverPolicy FailoverPolicy::from_name(const std::string& name) {
    if (name == "aggressive") return aggressive();
    if (name == "balanced") return balanced();
    if (name == "conservative") return conservative();
    throw UsageError("unknown failover policy '" + name + "'",
                     "use aggressive, balanced or conservative");
}

void FailoverPolicy::validate() const {
    auto fail = [](const std::string& what) { throw UsageError("failover policy: " + what); };
    if (renew_interval.count() <= 0) fail("renew interval must be positive");
    if (check_interval.count() <= 0) fail("check interval must be positive");
    if (kv_timeout.count() <= 0) fail("KV timeout must be positive");
    if (probe_interval.count() < 0) fail("probe interval must not be negative");
    if (renew_interval >= fence_after) fail("renew interval must be shorter than fence_after");
    if (fence_after >= lease) fail("fence_after must be shorter than the lease");
    if (check_interval > lease / 2) fail("check interval must be at most half the lease");
}

}  // namespace aegis
