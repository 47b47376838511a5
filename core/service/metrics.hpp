#pragma once
// The metadata-enrichment model of the Python metrics_collector example (docs/protocol.md §9): a
// request recorder, the `metrics` map, health_score and performance_grade, and this process's
// memory / CPU use.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/json.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::service {

// A+ avg < 10 ms and errors < 1 %; A < 50 / 2; B < 100 / 5; C < 200 / 10; else D.
std::string performance_grade(double average_latency_ms, double error_rate_percent);
// 100, minus min(30, 2×err%) if err% > 5, minus min(20, (lat−100)/10) if lat > 100 ms, minus 10
// if CPU > 80 %, minus 10 if memory > 500 MB; never below 0.
double health_score(double error_rate_percent, double average_latency_ms, double cpu_percent,
                    double memory_mb);

struct ProcessUsage {
    double memory_mb = 0;    // resident set size
    double cpu_percent = 0;  // since the previous sample (100 = one core busy)
};

// Samples /proc/self; the first sample reports CPU since the process started.
class ProcessSampler {
public:
    ProcessUsage sample();

private:
    double m_last_cpu_s = 0;
    std::chrono::steady_clock::time_point m_last_wall{};
    bool m_first = true;
};

class MetricsRecorder {
public:
    MetricsRecorder();
    void record(std::chrono::duration<double, std::milli> latency, bool ok, double revenue = 0);
    void reset();
    // The `metrics` map of §9; requests_per_second over the time since the previous call of
    // snapshot (or reset / start).
    Json snapshot(const ProcessUsage& usage, int active_connections = 1);

private:
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_started, m_window_start;
    uint64_t m_requests = 0, m_errors = 0, m_window_requests = 0;
    double m_latency_sum_ms = 0;
    std::vector<double> m_recent_ms;  // ring of the last k_window latencies
    size_t m_next = 0;
    std::optional<wire::SysTime> m_last_error;
    uint64_t m_transactions = 0;
    double m_revenue = 0;
    static constexpr size_t k_window = 2048;
};

// Reads the §9 fields back out of a registry metadata map (missing fields are 0 / "").
struct MetricsView {
    bool present = false;
    double requests_total = 0, requests_per_second = 0, average_latency_ms = 0;
    double p95_latency_ms = 0, p99_latency_ms = 0, errors_total = 0, error_rate = 0;
    double memory_usage_mb = 0, cpu_usage_percent = 0, uptime_seconds = 0;
    double health_score = -1;  // -1: not reported
    std::string performance_grade;
    std::string last_updated;
};
MetricsView read_metrics(const Json& metadata);

}  // namespace aegis::service
