#include "core/registry/registry.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>

#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"

namespace aegis::registry {

namespace {

nats::BucketConfig registry_bucket_config() {
    nats::BucketConfig c;
    c.name = wire::k_registry_bucket;
    c.history = 10;
    c.description = "AegisSDK service registry";
    return c;
}

Listed make_listed(ServiceInstance inst, const nats::KvEntry& e, wire::SysTime now,
                   std::chrono::seconds stale_after) {
    Listed l;
    l.age_seconds = inst.age_seconds(now);
    l.stale = l.age_seconds > static_cast<double>(stale_after.count());
    l.mismatched_key = key_mismatch(e.key, inst);
    l.instance = std::move(inst);
    l.revision = e.revision;
    l.key = e.key;
    return l;
}

}  // namespace

std::optional<KeyNames> key_mismatch(std::string_view key, const ServiceInstance& inst) {
    // The key the value would be written under (a service holding '__' included, which
    // parse_registry_key would split elsewhere).
    const std::string_view prefix = wire::k_registry_prefix;
    if (key.size() == prefix.size() + inst.service_name.size() + 2 + inst.instance_id.size() &&
        key.starts_with(prefix) &&
        key.substr(prefix.size(), inst.service_name.size()) == inst.service_name &&
        key.substr(prefix.size() + inst.service_name.size(), 2) == "__" &&
        key.ends_with(inst.instance_id))
        return std::nullopt;
    KeyNames k;
    if (!wire::parse_registry_key(key, k.service, k.instance_id)) {
        // Not an instance key at all: listed under what follows the prefix, if anything.
        k.service = std::string(key.starts_with(prefix) ? key.substr(prefix.size()) : key);
    }
    return k;
}

const std::string& Listed::service() const {
    return mismatched_key ? mismatched_key->service : instance.service_name;
}

const std::string& Listed::instance_id() const {
    return mismatched_key ? mismatched_key->instance_id : instance.instance_id;
}

Registry::Registry(std::shared_ptr<nats::Connection> conn)
    : m_conn(std::move(conn)),
      m_kv(std::make_unique<nats::KeyValue>(
          nats::KeyValue::open_or_create(m_conn, registry_bucket_config()))) {}

Registry::Registry(std::shared_ptr<nats::Connection> conn, std::unique_ptr<nats::KeyValue> kv)
    : m_conn(std::move(conn)), m_kv(std::move(kv)) {}

std::optional<Registry> Registry::open_existing(std::shared_ptr<nats::Connection> conn,
                                                std::optional<std::chrono::milliseconds> wait) {
    try {
        auto kv = std::make_unique<nats::KeyValue>(
            nats::KeyValue::open(conn, std::string(wire::k_registry_bucket), wait));
        return Registry(std::move(conn), std::move(kv));
    } catch (const NotFoundError&) {
        return std::nullopt;
    }
}

Registry::~Registry() = default;
Registry::Registry(Registry&&) noexcept = default;

nats::KeyValue& Registry::bucket() { return *m_kv; }

uint64_t Registry::put(const ServiceInstance& inst) {
    const std::string key = wire::registry_key(inst.service_name, inst.instance_id);
    const std::string value = to_registry_json(inst);
    try {
        return m_kv->put(key, value);
    } catch (const NoRespondersError&) {
        // No stream takes the put: the server lost its store (restarted empty). Create the
        // bucket again with the SDK settings (open_or_create never touches an existing one);
        // our handle keeps working, it only names the bucket.
        if (!ensure_bucket()) throw;
        log::info("registry bucket '{}' was missing on the server: created it again",
                  wire::k_registry_bucket);
        return m_kv->put(key, value);
    }
}

bool Registry::ensure_bucket() {
    try {
        nats::KeyValue::open(m_conn, std::string(wire::k_registry_bucket));
        return false;  // it exists: the failure was something else
    } catch (const NotFoundError&) {
    }
    nats::KeyValue::open_or_create(m_conn, registry_bucket_config());
    return true;
}

void Registry::remove(const std::string& service, const std::string& instance) {
    m_kv->erase(wire::registry_key(service, instance));
}

std::optional<Listed> Registry::get(const std::string& service, const std::string& instance,
                                    std::chrono::seconds stale_after) const {
    auto e = m_kv->get(wire::registry_key(service, instance));
    if (!e) return std::nullopt;
    try {
        auto l = make_listed(instance_from_registry_json(e->value), *e,
                             std::chrono::system_clock::now(), stale_after);
        if (l.mismatched_key) return std::nullopt;  // names someone else: not this instance
        return l;
    } catch (const DataError&) {
        return std::nullopt;
    }
}

std::vector<Listed> Registry::list(const ListOptions& options) const {
    std::string prefix = options.service.empty() ? std::string(wire::k_registry_prefix)
                                                 : wire::registry_service_prefix(options.service);
    auto now = std::chrono::system_clock::now();
    std::vector<Listed> out;
    m_unreadable = 0;
    m_mismatched = 0;
    for (auto& e : m_kv->entries(prefix)) {
        try {
            auto l = make_listed(instance_from_registry_json(e.value), e, now,
                                 options.stale_after);
            if (l.mismatched_key) ++m_mismatched;
            if (l.mismatched_key && !options.include_mismatched) continue;
            if (l.stale && !options.include_stale) continue;
            out.push_back(std::move(l));
        } catch (const DataError&) {
            ++m_unreadable;
        }
    }
    std::sort(out.begin(), out.end(), [](const Listed& a, const Listed& b) {
        return std::tie(a.service(), a.instance_id(), a.key) <
               std::tie(b.service(), b.instance_id(), b.key);
    });
    return out;
}

}  // namespace aegis::registry
