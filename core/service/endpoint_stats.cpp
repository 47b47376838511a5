#include "core/service/endpoint_stats.hpp"
#include <mutex>
#include <chrono>
#include <string>

#include <algorithm>
#include <vector>

namespace aegis::service {

void EndpointStats::record(std::chrono::nanoseconds took, const std::string* error) {
    std::lock_guard lock(m_mutex);
    m_recent[m_requests % k_window] = took.count();
    ++m_requests;
    m_total_ns += took.count();
    if (error) {
        ++m_errors;
        m_last_error = *error;
    }
}

void EndpointStats::reset() {
    std::lock_guard lock(m_mutex);
    m_requests = m_errors = 0;
    m_total_ns = 0;
    m_last_error.clear();
}

EndpointStats::Snapshot EndpointStats::snapshot() const {
    Snapshot s;
    std::vector<int64_t> window;
    {
        std::lock_guard lock(m_mutex);
        s.num_requests = m_requests;
        s.num_errors = m_errors;
        s.last_error = m_last_error;
        s.processing_time_ns = m_total_ns;
        size_t n = std::min<uint64_t>(m_requests, k_window);
        window.assign(m_recent.begin(), m_recent.begin() + static_cast<long>(n));
    }
    if (s.num_requests) s.average_processing_time_ns = s.processing_time_ns / static_cast<int64_t>(s.num_requests);
    if (!window.empty()) {
        std::sort(window.begin(), window.end());
        auto pick = [&](double q) {
            size_t i = std::min(window.size() - 1, static_cast<size_t>(q * (window.size() - 1) + 0.5));
            return static_cast<double>(window[i]) / 1e6;
        };
        s.p50_ms = pick(0.50);
        s.p90_ms = pick(0.90);
        s.p99_ms = pick(0.99);
    }
    return s;
}

}  // namespace aegis::service
