#include "core/tool/change_watch.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include "core/client/leaders.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/names.hpp"

namespace aegis::tool {

namespace {

// What makes a value different for a person looking at it: registry values without their
// heartbeat time, leader values reduced to who holds them.
std::string identity(const std::string& value, bool registry) {
    try {
        Json v = wire::from_json(value);
        if (!v.is_object()) return value;
        if (!registry) return v.contains("instance_id") ? v["instance_id"].dump() : value;
        v.erase("lastHeartbeat");
        v.erase("last_heartbeat");
        return v.dump();
    } catch (const Error&) {
        return value;
    }
}

}  // namespace

ChangeWatch::ChangeWatch(std::shared_ptr<nats::Connection> conn) : m_conn(std::move(conn)) {
    rescan();
}

ChangeWatch::~ChangeWatch() {
    decltype(m_watches) watches;
    {
        std::lock_guard lock(m_mutex);
        watches.swap(m_watches);
    }
    for (auto& [name, w] : watches)
        if (w.second) w.second->stop();  // handlers take m_mutex: stop them unlocked
}

void ChangeWatch::rescan() {
    watch_bucket(wire::k_registry_bucket, true);  // it may not exist yet: tried again next time
    try {
        for (const auto& b : nats::kv_bucket_names(*m_conn, "election_")) watch_bucket(b, false);
    } catch (const Error& e) {
        log::debug("explore: cannot list election buckets: {}", e.what());
    }
}

void ChangeWatch::watch_bucket(const std::string& bucket, bool registry) {
    {
        std::lock_guard lock(m_mutex);
        if (m_watches.count(bucket)) return;
        m_watches[bucket];
    }
    try {
        auto kv = std::make_unique<nats::KeyValue>(nats::KeyValue::open(m_conn, bucket));
        auto w = kv->watch(">", [this, bucket, registry](const nats::KeyValue::WatchEvent& ev) {
            if (!ev.entry) return;
            std::string key = bucket + "/" + ev.entry->key;
            std::string svc, other;
            if (registry ? !wire::parse_registry_key(ev.entry->key, svc, other)
                         : !client::parse_leader_key(ev.entry->key, svc, other))
                return;
            if (ev.entry->op != nats::KvOp::put) return seen(key, nullptr);
            std::string id = identity(ev.entry->value, registry);
            seen(key, &id);
        });
        std::lock_guard lock(m_mutex);
        m_watches[bucket] = {std::move(kv), std::move(w)};
    } catch (const Error& e) {
        log::debug("explore: cannot watch '{}': {}", bucket, e.what());
        std::lock_guard lock(m_mutex);
        m_watches.erase(bucket);  // try again at the next rescan
    }
}

void ChangeWatch::seen(const std::string& key, const std::string* id) {
    std::lock_guard lock(m_mutex);
    auto it = m_identity.find(key);
    if (!id) {
        if (it == m_identity.end()) return;
        m_identity.erase(it);
    } else {
        if (it != m_identity.end() && it->second == *id) return;
        m_identity[key] = *id;
    }
    m_changed = true;
    m_cv.notify_all();
}

bool ChangeWatch::wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, timeout, [this] { return m_changed; });
    bool changed = m_changed;
    m_changed = false;
    return changed;
}

}  // namespace aegis::tool
