#pragma once
// Writing what other programs write, for explore / monitor tests: registry values in the exact
// Python layout (vectors G10, G11, G14) and leader values in the G15 layout; and a live aegis
// Service with echo + status. Header-only: only those tests include it.
#include <fmt/format.h>

#include <memory>
#include <optional>
#include <string>

#include "core/nats/kv.hpp"
#include "core/service/service.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/nats_server.hpp"

namespace aegis::test {

// Python's repr of a float: shortest round trip, always with a fraction ("1754561940.0").
inline std::string python_float(double v) {
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

// service-instances__<service>__<id> = the G10/G11/G14 layout, heartbeat at `heartbeat`.
// `cpp` adds the metadata an aegis C++ instance writes (sdk: aegis-cpp); start_time is
// `started` (default: five seconds before the heartbeat). A `key` other than the value's own
// writes a copy (or a forgery) under it.
inline void put_python_instance(const std::shared_ptr<nats::Connection>& conn,
                                const std::string& service, const std::string& id,
                                wire::SysTime heartbeat, bool cpp = false,
                                const std::string& group = {},
                                std::optional<wire::SysTime> started = std::nullopt,
                                const std::string& key = {}) {
    nats::BucketConfig c;
    c.name = wire::k_registry_bucket;
    auto kv = nats::KeyValue::open_or_create(conn, c);
    std::string start =
        wire::python_isoformat(started.value_or(heartbeat - std::chrono::seconds(5)));
    std::string value = fmt::format(
        R"({{"serviceName":"{}","instanceId":"{}","version":"1.0.0","status":"ACTIVE",)"
        R"("lastHeartbeat":"{}","stickyActiveGroup":{},"metadata":{{"start_time":"{}"{}}}}})",
        service, id, wire::python_isoformat(heartbeat),
        group.empty() ? "null" : "\"" + group + "\"", start, cpp ? R"(,"sdk":"aegis-cpp")" : "");
    kv.put(key.empty() ? wire::registry_key(service, id) : key, value);
}

// sticky-active.<service>.<group>.leader in election_<service> = the G15 layout.
inline void put_leader(const std::shared_ptr<nats::Connection>& conn, const std::string& service,
                       const std::string& group, const std::string& id, wire::SysTime elected_at,
                       wire::SysTime last_heartbeat) {
    nats::BucketConfig c;
    c.name = wire::election_bucket(service);
    auto kv = nats::KeyValue::open_or_create(conn, c);
    std::string value = fmt::format(
        R"({{"instance_id":"{}","elected_at":{},"last_heartbeat":{},)"
        R"("metadata":{{"start_time":"{}"}}}})",
        id, python_float(wire::epoch_seconds(elected_at)),
        python_float(wire::epoch_seconds(last_heartbeat)), wire::python_isoformat(elected_at));
    kv.put(wire::leader_key(service, group), value);
}

inline std::unique_ptr<Service> live_service(const NatsServer& server, const std::string& name,
                                             const std::string& id) {
    ServiceOptions o;
    o.name = name;
    o.instance_id = id;
    auto svc = std::make_unique<Service>(server.connect(id), o);
    svc->rpc("echo", [id](const Json& p) { return Json{{"echo", p}, {"instance_id", id}}; });
    svc->rpc("status", [id](const Json&) { return Json{{"instance_id", id}, {"status", "ok"}}; });
    svc->start();
    return svc;
}

}  // namespace aegis::test
