#include "core/service/sticky_events.hpp"
#include <optional>
#include <string>

namespace aegis::service {

namespace {

// Field order as the Python domain events dump them: metadata first, then the ids.
Json common(const StickyIds& ids, Json metadata) {
    Json p = Json::object();
    p["metadata"] = metadata.is_object() ? std::move(metadata) : Json::object();
    p["service_name"] = ids.service;
    p["instance_id"] = ids.instance_id;
    p["group_id"] = ids.group;
    return p;
}

}  // namespace

Json leader_elected_payload(const StickyIds& ids, const std::optional<std::string>& previous,
                            wire::SysTime elected_at, Json metadata) {
    Json p = common(ids, std::move(metadata));
    p["previous_leader_id"] = previous ? Json(*previous) : Json();
    p["elected_at"] = wire::pydantic_timestamp(elected_at);
    return p;
}

Json leader_lost_payload(const StickyIds& ids, const std::string& reason, wire::SysTime lost_at,
                         Json metadata) {
    Json p = common(ids, std::move(metadata));
    p["reason"] = reason;
    p["lost_at"] = wire::pydantic_timestamp(lost_at);
    return p;
}

Json election_failed_payload(const StickyIds& ids, const std::string& reason) {
    Json p = common(ids, Json::object());
    p["reason"] = reason;
    p["retry_after_seconds"] = Json();
    return p;
}

}  // namespace aegis::service
