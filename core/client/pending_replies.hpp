#pragma once
// Many requests in flight over one wildcard reply subscription (nats.c has no async request API):
// request `id` gets the reply subject "<inbox>.<id>" and an entry id → T with a deadline, taken out
// exactly once, by its reply or by expire(). What is kept per request (T), the subscription and
// what a reply means are the user's: client::AsyncCaller and load::Lane. Thread-safe; nothing of
// the user's runs under the lock.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace aegis::client {

// "<prefix><id>", on the stack unless the prefix is unusually long.
class ReplySubject {
public:
    ReplySubject(std::string_view prefix, uint64_t id) {
        if (prefix.size() + 20 <= sizeof m_buf) {
            char* p = std::copy(prefix.begin(), prefix.end(), m_buf);
            p = std::to_chars(p, m_buf + sizeof m_buf, id).ptr;
            m_view = std::string_view(m_buf, static_cast<size_t>(p - m_buf));
        } else {
            m_long = std::string(prefix) + std::to_string(id);
            m_view = m_long;
        }
    }
    ReplySubject(const ReplySubject&) = delete;  // the view points into the object
    ReplySubject& operator=(const ReplySubject&) = delete;
    std::string_view view() const { return m_view; }

private:
    char m_buf[192];
    std::string m_long;
    std::string_view m_view;
};

template <class T>
class PendingReplies {
public:
    using Clock = std::chrono::steady_clock;

    // `inbox`: a fresh inbox of the connection (Connection::new_inbox()).
    explicit PendingReplies(const std::string& inbox) : m_prefix(inbox + ".") {}
    // What to subscribe to: "<inbox>.*".
    std::string wildcard() const { return m_prefix + "*"; }

    // Keeps `value` until `deadline`; returns its id, whose reply subject is reply_subject(id).
    uint64_t add(T&& value, Clock::time_point deadline) {
        std::lock_guard lock(m_mutex);
        uint64_t id = ++m_next;
        m_pending.emplace(id, Entry{std::move(value), deadline});
        return id;
    }
    ReplySubject reply_subject(uint64_t id) const { return ReplySubject(m_prefix, id); }

    // The entry of `id`; nullopt when it is gone already (answered or expired).
    std::optional<T> take(uint64_t id) {
        std::lock_guard lock(m_mutex);
        auto it = m_pending.find(id);
        if (it == m_pending.end()) return std::nullopt;
        std::optional<T> out(std::move(it->second.value));
        m_pending.erase(it);
        return out;
    }
    // The entry a reply on `subject` answers; nullopt when it expired already or is not ours.
    std::optional<T> take_reply(std::string_view subject) {
        if (subject.size() <= m_prefix.size()) return std::nullopt;
        uint64_t id = 0;
        auto [end, ec] = std::from_chars(subject.data() + m_prefix.size(),
                                         subject.data() + subject.size(), id);
        if (ec != std::errc() || end != subject.data() + subject.size()) return std::nullopt;
        return take(id);
    }

    // Takes out every entry whose deadline is `now` or earlier, then calls expired(T&&) on each.
    template <class F>
    void expire(Clock::time_point now, F&& expired) {
        std::vector<T> gone;
        {
            std::lock_guard lock(m_mutex);
            for (auto it = m_pending.begin(); it != m_pending.end();) {
                if (it->second.deadline <= now) {
                    gone.push_back(std::move(it->second.value));
                    it = m_pending.erase(it);
                } else {
                    ++it;
                }
            }
        }
        for (auto& v : gone) expired(std::move(v));
    }

    size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_pending.size();
    }
    void clear() {
        std::lock_guard lock(m_mutex);
        m_pending.clear();
    }

private:
    struct Entry {
        T value;
        Clock::time_point deadline;
    };
    std::string m_prefix;
    mutable std::mutex m_mutex;
    std::unordered_map<uint64_t, Entry> m_pending;
    uint64_t m_next = 0;
};

}  // namespace aegis::client
