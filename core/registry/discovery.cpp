#include "core/registry/discovery.hpp"
#include <optional>
#include <functional>
#include <mutex>
#include <chrono>
#include <vector>
#include <string>

#include <algorithm>
#include <set>

#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::registry {

DiscoveryCache::DiscoveryCache(Registry& registry) {
    m_watch = registry.bucket().watch(">", [this](const nats::KeyValue::WatchEvent& ev) {
        if (!ev.entry) {
            std::lock_guard lock(m_mutex);
            m_ready = true;
            m_ready_cv.notify_all();
            return;
        }
        const auto& e = *ev.entry;
        if (e.op == nats::KvOp::put)
            apply(e.key, &e.value, e.revision);
        else
            apply(e.key, nullptr, e.revision);
    });
}

DiscoveryCache::~DiscoveryCache() {
    if (m_watch) m_watch->stop();
}

bool DiscoveryCache::wait_ready(std::chrono::milliseconds timeout) {
    std::unique_lock lock(m_mutex);
    return m_ready_cv.wait_for(lock, timeout, [this] { return m_ready; });
}

void DiscoveryCache::on_change(std::function<void(const Change&)> callback) {
    std::lock_guard lock(m_mutex);
    m_callback = std::move(callback);
}

void DiscoveryCache::apply(const std::string& key, const std::string* value, uint64_t revision) {
    std::string service, instance;
    if (!wire::parse_registry_key(key, service, instance)) return;
    Change change{ChangeKind::removed, service, instance, std::nullopt};
    std::function<void(const Change&)> cb;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_entries.find(key);
        if (!value) {
            if (it == m_entries.end()) return;
            m_entries.erase(it);
        } else {
            ServiceInstance inst;
            try {
                inst = instance_from_registry_json(*value);
            } catch (const DataError&) {
                return;  // unreadable values are invisible, as they are to Python readers
            }
            change.kind = it == m_entries.end() ? ChangeKind::added : ChangeKind::updated;
            auto mismatch = key_mismatch(key, inst);
            if (!mismatch) change.instance = inst;  // a value naming someone else is not theirs
            m_entries[key] = {std::move(inst), revision, std::move(mismatch)};
        }
        if (m_ready) cb = m_callback;
    }
    if (cb) cb(change);
}

std::vector<Listed> DiscoveryCache::list(const ListOptions& options) const {
    auto now = std::chrono::system_clock::now();
    std::vector<Listed> out;
    std::lock_guard lock(m_mutex);
    for (auto& [key, v] : m_entries) {
        if (v.mismatched_key && !options.include_mismatched) continue;
        Listed l{v.instance, v.revision, v.instance.age_seconds(now), false, key,
                 v.mismatched_key};
        if (!options.service.empty() && l.service() != options.service) continue;
        l.stale = l.age_seconds > static_cast<double>(options.stale_after.count());
        if (l.stale && !options.include_stale) continue;
        out.push_back(std::move(l));
    }
    return out;  // m_entries is ordered by key: service, then instance
}

std::vector<std::string> DiscoveryCache::services(bool include_stale) const {
    std::set<std::string> names;
    ListOptions o;
    o.include_stale = include_stale;
    for (auto& l : list(o)) names.insert(l.service());
    return {names.begin(), names.end()};
}

}  // namespace aegis::registry
