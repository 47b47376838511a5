#pragma once
// Per-endpoint counters for $SRV.STATS (Go micro accounting) plus latency percentiles.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/wire/json.hpp"

namespace aegis::service {

class EndpointStats {
public:
    void record(std::chrono::nanoseconds took, const std::string* error);
    void reset();

    struct Snapshot {
        uint64_t num_requests = 0;
        uint64_t num_errors = 0;
        std::string last_error;
        int64_t processing_time_ns = 0;
        int64_t average_processing_time_ns = 0;
        double p50_ms = 0, p90_ms = 0, p99_ms = 0;
    };
    Snapshot snapshot() const;

private:
    static constexpr size_t k_window = 1024;  // last N durations kept for percentiles
    mutable std::mutex m_mutex;
    uint64_t m_requests = 0;
    uint64_t m_errors = 0;
    std::string m_last_error;
    int64_t m_total_ns = 0;
    std::array<int64_t, k_window> m_recent{};
};

}  // namespace aegis::service
