#include "core/scenario/leaders_view.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <string>

#include "core/client/leaders.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

std::optional<std::string> lease_holder(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service, const std::string& group) {
    try {
        auto kv = nats::KeyValue::open(conn, wire::election_bucket(service),
                                       std::chrono::milliseconds(2000));
        auto e = kv.get(wire::leader_key(service, group));
        if (!e) return std::nullopt;
        return client::parse_leader_value(e->value).instance_id;
    } catch (const NotFoundError&) {
        return std::nullopt;
    }
}

}  // namespace aegis::scenario
