#include "core/client/leaders.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <limits>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/names.hpp"

namespace aegis::client {

namespace {

constexpr std::string_view k_key_prefix = "sticky-active.";
constexpr std::string_view k_key_suffix = ".leader";

std::optional<wire::SysTime> time_field(const Json& v, const char* name) {
    auto it = v.find(name);
    if (it == v.end()) return std::nullopt;
    if (it->is_number()) {
        double s = it->get<double>();
        if (s <= 0) return std::nullopt;  // the repository's "missing" default is 0
        try {
            return wire::from_epoch_seconds(s);
        } catch (const DataError&) {
            return std::nullopt;
        }
    }
    if (it->is_string()) return wire::parse_timestamp(it->get<std::string>());
    return std::nullopt;
}

double since(wire::SysTime now, const std::optional<wire::SysTime>& t) {
    if (!t) return std::numeric_limits<double>::infinity();
    return std::chrono::duration<double>(now - *t).count();
}

}  // namespace

double LeaderInfo::lease_age_s(wire::SysTime now) const { return since(now, last_heartbeat); }
double LeaderInfo::tenure_s(wire::SysTime now) const { return since(now, elected_at); }

bool parse_leader_key(std::string_view key, std::string& service, std::string& group) {
    if (!key.starts_with(k_key_prefix) || !key.ends_with(k_key_suffix)) return false;
    std::string_view mid =
        key.substr(k_key_prefix.size(), key.size() - k_key_prefix.size() - k_key_suffix.size());
    // Service names have no dots; a group may (Python allows it), so split at the first dot.
    auto dot = mid.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= mid.size()) return false;
    service = std::string(mid.substr(0, dot));
    group = std::string(mid.substr(dot + 1));
    return true;
}

LeaderInfo parse_leader_value(std::string_view json) {
    Json v = wire::from_json(json);
    if (!v.is_object()) throw DataError("leader value: not a JSON object");
    auto id = v.find("instance_id");
    if (id == v.end() || !id->is_string() || id->get<std::string>().empty())
        throw DataError("leader value: 'instance_id' must be a non-empty string");
    LeaderInfo out;
    out.instance_id = id->get<std::string>();
    out.elected_at = time_field(v, "elected_at");
    out.last_heartbeat = time_field(v, "last_heartbeat");
    if (auto m = v.find("metadata"); m != v.end() && m->is_object()) out.metadata = *m;
    return out;
}

std::vector<LeaderInfo> read_leaders(const std::shared_ptr<nats::Connection>& conn,
                                     const std::string& service) {
    std::vector<std::string> buckets;
    if (!service.empty())
        buckets.push_back(wire::election_bucket(service));
    else
        buckets = nats::kv_bucket_names(*conn, "election_");
    std::vector<LeaderInfo> out;
    for (const auto& b : buckets) {
        std::vector<nats::KvEntry> entries;
        try {
            entries = nats::KeyValue::open(conn, b).entries(std::string(k_key_prefix));
        } catch (const NotFoundError&) {
            continue;  // no election bucket: not a single-active service (yet)
        }
        for (auto& e : entries) {
            std::string svc, group;
            if (!parse_leader_key(e.key, svc, group)) continue;
            try {
                LeaderInfo l = parse_leader_value(e.value);
                l.bucket = b;
                l.service = std::move(svc);
                l.group = std::move(group);
                l.revision = e.revision;
                out.push_back(std::move(l));
            } catch (const DataError&) {
                continue;  // a value neither Python layout: invisible, as to Python readers
            }
        }
    }
    return out;
}

}  // namespace aegis::client
