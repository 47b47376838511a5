#pragma once
// Removing registry entries of instances that died without deregistering (SIGKILL, a lost
// node): only entries whose heartbeat is older than the threshold, each deleted with the
// revision it was judged on, so an instance that heartbeats meanwhile is never removed.
#include <chrono>
#include <string>
#include <vector>

#include "core/registry/registry.hpp"

namespace aegis::registry {

struct PruneOptions {
    std::string service;  // empty = every service
    std::chrono::seconds stale_after = k_default_stale_after;
    bool dry_run = false;  // list what would go, delete nothing
};

struct PruneResult {
    std::string service;
    std::string instance_id;
    double age_seconds = 0;
    uint64_t revision = 0;
    std::string key;  // the KV key it was listed from (the one deleted)
    // deleted: removed; would_delete: dry run; kept: it heartbeated after it was listed.
    enum class Outcome { deleted, would_delete, kept } outcome = Outcome::deleted;
};

// The stale entries (outcome would_delete), each with the revision it was judged on.
std::vector<PruneResult> find_stale(Registry& registry, const PruneOptions& options);
// Deletes each entry only if it is still at its judged revision (else: kept).
void delete_stale(Registry& registry, std::vector<PruneResult>& entries);
// find_stale, then delete_stale unless options.dry_run.
std::vector<PruneResult> prune_stale(Registry& registry, const PruneOptions& options);

// Whether a starting service may remove an entry of its own service: older than three of its
// heartbeat intervals and than the readers' staleness threshold, whichever is longer.
std::chrono::seconds self_prune_threshold(std::chrono::milliseconds heartbeat_interval);

const char* to_string(PruneResult::Outcome outcome);

}  // namespace aegis::registry
