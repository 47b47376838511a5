#pragma once
// The sticky_active events of the Python SDK (docs/protocol.md §4.6, vector G9): domain
// "sticky_active", types LeaderElected / LeaderLost / ElectionFailed, source null.
#include <optional>
#include <string>

#include "core/wire/json.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::service {

inline constexpr const char* k_sticky_domain = "sticky_active";

struct StickyIds {
    std::string service;
    std::string instance_id;
    std::string group;
};

Json leader_elected_payload(const StickyIds& ids, const std::optional<std::string>& previous,
                            wire::SysTime elected_at, Json metadata = Json::object());
Json leader_lost_payload(const StickyIds& ids, const std::string& reason, wire::SysTime lost_at,
                         Json metadata = Json::object());
Json election_failed_payload(const StickyIds& ids, const std::string& reason);

}  // namespace aegis::service
