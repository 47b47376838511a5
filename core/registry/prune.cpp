#include "core/registry/prune.hpp"
#include <chrono>
#include <vector>

#include <algorithm>

#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::registry {

std::vector<PruneResult> find_stale(Registry& registry, const PruneOptions& options) {
    ListOptions lo;
    lo.service = options.service;
    lo.include_stale = true;
    lo.stale_after = options.stale_after;
    std::vector<PruneResult> out;
    for (auto& l : registry.list(lo)) {
        if (!l.stale) continue;
        PruneResult r;
        r.service = l.instance.service_name;
        r.instance_id = l.instance.instance_id;
        r.age_seconds = l.age_seconds;
        r.revision = l.revision;
        r.key = l.key;
        r.outcome = PruneResult::Outcome::would_delete;
        out.push_back(std::move(r));
    }
    return out;
}

void delete_stale(Registry& registry, std::vector<PruneResult>& entries) {
    for (auto& r : entries) {
        try {
            registry.bucket().erase(
                r.key.empty() ? wire::registry_key(r.service, r.instance_id) : r.key, r.revision);
            r.outcome = PruneResult::Outcome::deleted;
        } catch (const ConflictError&) {
            r.outcome = PruneResult::Outcome::kept;  // written since we looked: alive
        }
    }
}

std::vector<PruneResult> prune_stale(Registry& registry, const PruneOptions& options) {
    auto entries = find_stale(registry, options);
    if (!options.dry_run) delete_stale(registry, entries);
    return entries;
}

std::chrono::seconds self_prune_threshold(std::chrono::milliseconds heartbeat_interval) {
    auto three = std::chrono::ceil<std::chrono::seconds>(3 * heartbeat_interval);
    return std::max(three, k_default_stale_after);
}

const char* to_string(PruneResult::Outcome outcome) {
    switch (outcome) {
    case PruneResult::Outcome::deleted: return "deleted";
    case PruneResult::Outcome::would_delete: return "would_delete";
    case PruneResult::Outcome::kept: return "kept";
    }
    return "?";
}

}  // namespace aegis::registry
