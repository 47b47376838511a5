#include "core/registry/instance.hpp"
#include <optional>
#include <chrono>
#include <string>

#include <limits>

#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::registry {

std::optional<wire::SysTime> ServiceInstance::heartbeat_time() const {
    return wire::parse_timestamp(last_heartbeat);
}

double ServiceInstance::age_seconds(wire::SysTime now) const {
    auto t = heartbeat_time();
    if (!t) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(now - *t).count();
}

Json to_json_value(const ServiceInstance& inst) {
    Json v = Json::object();
    v["serviceName"] = inst.service_name;
    v["instanceId"] = inst.instance_id;
    v["version"] = inst.version;
    v["status"] = inst.status;
    v["lastHeartbeat"] = inst.last_heartbeat;
    v["stickyActiveGroup"] = inst.sticky_active_group ? Json(*inst.sticky_active_group) : Json();
    v["metadata"] = inst.metadata.is_object() ? inst.metadata : Json::object();
    if (inst.sticky_active_status) v["sticky_active_status"] = *inst.sticky_active_status;
    return v;
}

std::string to_registry_json(const ServiceInstance& inst) {
    return wire::to_json_ascii(to_json_value(inst));
}

namespace {

const Json* field(const Json& v, const char* camel, const char* snake) {
    auto it = v.find(camel);
    if (it != v.end()) return &*it;
    it = v.find(snake);
    return it != v.end() ? &*it : nullptr;
}

std::string required_string(const Json& v, const char* camel, const char* snake) {
    const Json* f = field(v, camel, snake);
    if (!f || !f->is_string())
        throw DataError(std::string("registry value: '") + camel + "' must be a string");
    return f->get<std::string>();
}

std::optional<std::string> optional_string(const Json& v, const char* camel, const char* snake) {
    const Json* f = field(v, camel, snake);
    if (!f || f->is_null()) return std::nullopt;
    if (!f->is_string())
        throw DataError(std::string("registry value: '") + camel + "' must be a string or null");
    return f->get<std::string>();
}

}  // namespace

ServiceInstance instance_from_registry_json(std::string_view text) {
    Json v = wire::from_json(text);
    if (!v.is_object()) throw DataError("registry value: not a JSON object");
    ServiceInstance inst;
    inst.service_name = required_string(v, "serviceName", "service_name");
    inst.instance_id = required_string(v, "instanceId", "instance_id");
    inst.version = required_string(v, "version", "version");
    inst.status = optional_string(v, "status", "status").value_or("ACTIVE");
    inst.last_heartbeat = optional_string(v, "lastHeartbeat", "last_heartbeat").value_or("");
    inst.sticky_active_group = optional_string(v, "stickyActiveGroup", "sticky_active_group");
    inst.sticky_active_status = optional_string(v, "stickyActiveStatus", "sticky_active_status");
    if (const Json* m = field(v, "metadata", "metadata"); m && m->is_object()) inst.metadata = *m;
    return inst;
}

}  // namespace aegis::registry
