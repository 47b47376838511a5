#pragma once
// The per-request log lines of a demo, at most `per_second` a second. Under `aegis load` one
// instance handles tens of thousands of calls a second; a line for each would flood the terminal
// the demo was started from (`aegis demo echo &`) and slow the demo down. The lines left out are
// counted and reported with the next line that is written.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace aegis::cmd::demos {

class RequestLogLimit {
public:
    explicit RequestLogLimit(int per_second = 20) : m_per_second(per_second) {}

    // nullopt: leave this request's line out. Otherwise write it, after a note of the number of
    // lines left out before it when that is not 0.
    std::optional<uint64_t> admit() {
        auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(m_mutex);
        if (now - m_window_start >= std::chrono::seconds(1)) {
            m_window_start = now;
            m_in_window = 0;
        }
        if (m_in_window >= m_per_second) {
            ++m_left_out;
            return std::nullopt;
        }
        ++m_in_window;
        uint64_t left_out = m_left_out;
        m_left_out = 0;
        return left_out;
    }

    int per_second() const { return m_per_second; }

private:
    const int m_per_second;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_window_start{};
    int m_in_window = 0;
    uint64_t m_left_out = 0;
};

}  // namespace aegis::cmd::demos
