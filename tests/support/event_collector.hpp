#pragma once
// Records which instance received which event (thread-safe), for the event tests; and the
// golden-vector helpers they use.
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/service/event_types.hpp"
#include "core/wire/json.hpp"

namespace aegis::test {

class EventCollector {
public:
    EventHandler handler(const std::string& who) {
        return [this, who](const wire::Event& e) { record(who, e); };
    }
    void record(const std::string& who, const wire::Event& e) {
        {
            std::lock_guard lock(m_mutex);
            m_by_event[e.header.message_id].push_back(who);
            m_by_instance[who]++;
            m_last[who] = e;
            ++m_total;
        }
        m_cv.notify_all();
    }
    bool wait_for_total(int n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return m_total >= n; });
    }
    int total() const {
        std::lock_guard lock(m_mutex);
        return m_total;
    }
    size_t distinct() const {
        std::lock_guard lock(m_mutex);
        return m_by_event.size();
    }
    size_t max_per_event() const {
        std::lock_guard lock(m_mutex);
        size_t n = 0;
        for (auto& [id, v] : m_by_event) n = std::max(n, v.size());
        return n;
    }
    size_t min_per_event() const {
        std::lock_guard lock(m_mutex);
        size_t n = SIZE_MAX;
        for (auto& [id, v] : m_by_event) n = std::min(n, v.size());
        return n;
    }
    std::map<std::string, int> per_instance() const {
        std::lock_guard lock(m_mutex);
        return m_by_instance;
    }
    std::vector<std::string> instances() const {
        std::lock_guard lock(m_mutex);
        std::vector<std::string> out;
        for (auto& [k, v] : m_by_instance) out.push_back(k);
        return out;
    }
    wire::Event last(const std::string& who) const {
        std::lock_guard lock(m_mutex);
        return m_last.at(who);
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::map<std::string, std::vector<std::string>> m_by_event;
    std::map<std::string, int> m_by_instance;
    std::map<std::string, wire::Event> m_last;
    int m_total = 0;
};

inline const Json& vector(const std::string& name) {
    static const Json all = [] {
        std::ifstream in(AEGIS_SHARED_DIR "/vectors/aegis-sdk-vectors.json", std::ios::binary);
        if (!in) throw std::runtime_error("cannot open the golden vectors");
        return Json::parse(in);
    }();
    return all.at(name);
}

inline std::string unhex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return out;
}

}  // namespace aegis::test
