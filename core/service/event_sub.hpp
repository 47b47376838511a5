#pragma once
// Private to the event hub (events.cpp, event_delivery.cpp): one subscription's state.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

#include "core/nats/connection.hpp"
#include "core/service/events.hpp"
#include "core/service/retry.hpp"

namespace aegis::service {

// The last N processed message ids, oldest forgotten first.
class Dedup {
public:
    explicit Dedup(size_t capacity) : m_capacity(capacity) {}
    bool seen(const std::string& id) const {
        std::lock_guard lock(m_mutex);
        return m_ids.count(id) > 0;
    }
    void remember(const std::string& id) {
        if (m_capacity == 0) return;
        std::lock_guard lock(m_mutex);
        if (!m_ids.insert(id).second) return;
        m_order.push_back(id);
        if (m_order.size() > m_capacity) {
            m_ids.erase(m_order.front());
            m_order.pop_front();
        }
    }

private:
    size_t m_capacity;
    mutable std::mutex m_mutex;
    std::deque<std::string> m_order;
    std::unordered_set<std::string> m_ids;
};

struct EventSub {
    explicit EventSub(size_t window) : dedup(window) {}
    std::string pattern;
    EventMode mode = EventMode::compete;
    EventHandlerEx handler;
    SubscribeOptions options;
    EventBinding binding;
    std::string subject;  // what we subscribe to: the pattern, or the deliver subject
    std::string group;
    bool opened = false;
    nats::Subscription sub;
    std::atomic<bool> bound{false};
    Dedup dedup;
    std::atomic<uint64_t> received{0}, processed{0}, failed{0}, dropped{0}, duplicates{0},
        not_leader{0};
};

}  // namespace aegis::service
