#pragma once
// Human rendering of a system snapshot (explore, and the REPL's `services` / `instances`).
#include <string>
#include <chrono>
#include <vector>

#include "core/registry/prune.hpp"
#include "core/tool/system_view.hpp"
#include "core/output/style.hpp"

namespace aegis::cmd {

// SERVICE PATTERN INSTANCES VERSION METHODS LEADER, one row per service.
std::string render_services(const tool::SystemSnapshot& snap, const output::Style& st);
// A service's heading, its groups / leaders, and one row per instance.
std::string render_instances(const tool::ServiceView& svc, const output::Style& st,
                             wire::SysTime now);
// services → groups → instances as a tree.
std::string render_tree(const tool::SystemSnapshot& snap, const output::Style& st);
// The "flags" block (ghosts, unregistered responders, stale heartbeats, groups without a
// leader) and the hidden-stale note; empty when there is nothing to say.
std::string render_flags(const tool::SystemSnapshot& snap, const output::Style& st);
// Everything explore prints for `snap`: all services, or one with `only_service`.
std::string render_explore(const tool::SystemSnapshot& snap, const output::Style& st, bool tree,
                           bool only_service);
// What `explore --prune` did (or, with --dry-run, would do), one line per stale entry.
std::string render_prune(const std::vector<registry::PruneResult>& results, bool dry_run,
                         std::chrono::seconds stale_after, const output::Style& st);
Json prune_json(const std::vector<registry::PruneResult>& results, bool dry_run,
                std::chrono::seconds stale_after);
// A line that changes only when something other than ages and RTTs changes (for --watch).
std::string snapshot_signature(const tool::SystemSnapshot& snap);

}  // namespace aegis::cmd
