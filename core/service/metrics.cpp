#include "core/service/metrics.hpp"
#include <mutex>
#include <chrono>
#include <vector>
#include <string>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace aegis::service {

std::string performance_grade(double lat, double err) {
    if (lat < 10 && err < 1) return "A+";
    if (lat < 50 && err < 2) return "A";
    if (lat < 100 && err < 5) return "B";
    if (lat < 200 && err < 10) return "C";
    return "D";
}

double health_score(double err, double lat, double cpu, double mem) {
    double score = 100;
    if (err > 5) score -= std::min(30.0, err * 2);
    if (lat > 100) score -= std::min(20.0, (lat - 100) / 10);
    if (cpu > 80) score -= 10;
    if (mem > 500) score -= 10;
    return std::max(0.0, score);
}

ProcessUsage ProcessSampler::sample() {
    ProcessUsage u;
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) u.memory_mb = std::stod(line.substr(6)) / 1024.0;
    // /proc/self/stat: fields 14 and 15 are utime and stime in clock ticks (after "(comm)").
    std::ifstream stat("/proc/self/stat");
    std::string all((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = all.rfind(')');
    double cpu_s = 0;
    if (close != std::string::npos) {
        std::istringstream rest(all.substr(close + 2));
        std::string field;
        unsigned long long utime = 0, stime = 0;
        for (int i = 3; i <= 15 && rest >> field; ++i) {
            if (i == 14) utime = std::stoull(field);
            if (i == 15) stime = std::stoull(field);
        }
        cpu_s = double(utime + stime) / double(sysconf(_SC_CLK_TCK));
    }
    auto now = std::chrono::steady_clock::now();
    if (!m_first) {
        double wall = std::chrono::duration<double>(now - m_last_wall).count();
        if (wall > 0) u.cpu_percent = 100.0 * (cpu_s - m_last_cpu_s) / wall;
    }
    m_first = false;
    m_last_cpu_s = cpu_s;
    m_last_wall = now;
    return u;
}

MetricsRecorder::MetricsRecorder() { reset(); }

void MetricsRecorder::reset() {
    std::lock_guard lock(m_mutex);
    m_started = m_window_start = std::chrono::steady_clock::now();
    m_requests = m_errors = m_window_requests = m_transactions = 0;
    m_latency_sum_ms = m_revenue = 0;
    m_recent_ms.clear();
    m_next = 0;
    m_last_error.reset();
}

void MetricsRecorder::record(std::chrono::duration<double, std::milli> latency, bool ok,
                             double revenue) {
    std::lock_guard lock(m_mutex);
    ++m_requests;
    ++m_window_requests;
    m_latency_sum_ms += latency.count();
    if (m_recent_ms.size() < k_window) m_recent_ms.push_back(latency.count());
    else m_recent_ms[m_next++ % k_window] = latency.count();
    if (!ok) {
        ++m_errors;
        m_last_error = std::chrono::system_clock::now();
    } else {
        ++m_transactions;
        m_revenue += revenue;
    }
}

namespace {

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size() - 1) + 0.5))];
}

double round2(double x) { return std::round(x * 100.0) / 100.0; }

}  // namespace

Json MetricsRecorder::snapshot(const ProcessUsage& usage, int active_connections) {
    std::lock_guard lock(m_mutex);
    auto now = std::chrono::steady_clock::now();
    double window_s = std::chrono::duration<double>(now - m_window_start).count();
    double rps = window_s > 0 ? double(m_window_requests) / window_s : 0;
    m_window_requests = 0;
    m_window_start = now;
    double avg = m_requests ? m_latency_sum_ms / double(m_requests) : 0;
    double err = m_requests ? 100.0 * double(m_errors) / double(m_requests) : 0;
    return Json{
        {"requests_total", m_requests},
        {"requests_per_second", round2(rps)},
        {"average_latency_ms", round2(avg)},
        {"p95_latency_ms", round2(percentile(m_recent_ms, 0.95))},
        {"p99_latency_ms", round2(percentile(m_recent_ms, 0.99))},
        {"errors_total", m_errors},
        {"error_rate", round2(err)},
        {"last_error_time", m_last_error ? Json(wire::iso_timestamp(*m_last_error)) : Json()},
        {"memory_usage_mb", round2(usage.memory_mb)},
        {"cpu_usage_percent", round2(usage.cpu_percent)},
        {"active_connections", active_connections},
        {"business_value",
         {{"transactions_processed", m_transactions},
          {"revenue_generated", round2(m_revenue)},
          {"users_served", m_transactions / 3}}},
        {"uptime_seconds", round2(std::chrono::duration<double>(now - m_started).count())},
        {"last_updated", wire::iso_now()}};
}

MetricsView read_metrics(const Json& md) {
    MetricsView v;
    if (!md.is_object()) return v;
    auto num = [](const Json& o, const char* k) {
        auto it = o.find(k);
        return it != o.end() && it->is_number() ? it->get<double>() : 0.0;
    };
    if (auto m = md.find("metrics"); m != md.end() && m->is_object()) {
        v.present = true;
        v.requests_total = num(*m, "requests_total");
        v.requests_per_second = num(*m, "requests_per_second");
        v.average_latency_ms = num(*m, "average_latency_ms");
        v.p95_latency_ms = num(*m, "p95_latency_ms");
        v.p99_latency_ms = num(*m, "p99_latency_ms");
        v.errors_total = num(*m, "errors_total");
        v.error_rate = num(*m, "error_rate");
        v.memory_usage_mb = num(*m, "memory_usage_mb");
        v.cpu_usage_percent = num(*m, "cpu_usage_percent");
        v.uptime_seconds = num(*m, "uptime_seconds");
        if (auto t = m->find("last_updated"); t != m->end() && t->is_string())
            v.last_updated = t->get<std::string>();
    }
    if (auto h = md.find("health_score"); h != md.end() && h->is_number())
        v.health_score = h->get<double>();
    if (auto g = md.find("performance_grade"); g != md.end() && g->is_string())
        v.performance_grade = g->get<std::string>();
    return v;
}

}  // namespace aegis::service
