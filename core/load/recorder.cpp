#include "core/load/recorder.hpp"
#include <mutex>
#include <chrono>

#include <cmath>

namespace aegis::load {

const char* outcome_key(Outcome o) noexcept {
    switch (o) {
        case Outcome::ok:
            return "ok";
        case Outcome::timeout:
            return "timeout";
        case Outcome::no_responders:
            return "no_responders";
        case Outcome::not_active:
            return "not_active";
        case Outcome::overloaded:
            return "overloaded";
        case Outcome::shutting_down:
            return "shutting_down";
        case Outcome::remote_error:
            return "remote_error";
        case Outcome::other:
            return "other";
    }
    return "other";
}

uint64_t Errors::total() const {
    uint64_t n = timeout + no_responders + not_active + overloaded + shutting_down + other;
    for (const auto& [code, c] : remote) n += c;
    return n;
}

Recorder::Recorder(std::chrono::steady_clock::time_point start, int seconds)
    : m_start(start), m_last(start), m_seconds(seconds) {
    m_row.second = 1;
}

void Recorder::roll_to(int second) {
    while (m_current < second) {
        m_row.p50_ms = m_second.percentile(0.5) / 1e6;
        m_row.p99_ms = m_second.percentile(0.99) / 1e6;
        m_row.max_ms = m_second.max() / 1e6;
        m_timeline.push_back(m_row);
        m_second.reset();
        m_row = SecondRow{};
        m_row.second = ++m_current;
    }
}

void Recorder::record(const Completion& c, std::chrono::steady_clock::time_point at) {
    // Completions of one second may arrive a little after the next began (several reply
    // threads): they count in the current second rather than reopening a closed one.
    int second = static_cast<int>(std::chrono::duration<double>(at - m_start).count()) + 1;
    if (m_seconds > 0) second = std::min(second, m_seconds);
    std::lock_guard lock(m_mutex);
    roll_to(second);
    if (at > m_last) m_last = at;
    auto ns = static_cast<uint64_t>(std::max<int64_t>(0, c.latency.count()));
    switch (c.outcome) {
        case Outcome::ok:
            ++m_ok;
            ++m_row.ok;
            m_hist.record_ticks(ns);
            m_second.record_ticks(ns);
            if (c.instance) ++m_by_instance[*c.instance];
            return;
        case Outcome::timeout:
            ++m_errors.timeout;
            break;
        case Outcome::no_responders:
            ++m_errors.no_responders;
            break;
        case Outcome::not_active:
            ++m_errors.not_active;
            break;
        case Outcome::overloaded:
            ++m_errors.overloaded;
            if (c.instance) ++m_by_instance[*c.instance];
            break;
        case Outcome::shutting_down:
            ++m_errors.shutting_down;
            if (c.instance) ++m_by_instance[*c.instance];
            break;
        case Outcome::remote_error:
            ++m_errors.remote[c.code.empty() ? "unknown" : c.code];
            if (c.instance) ++m_by_instance[*c.instance];
            break;
        case Outcome::other:
            ++m_errors.other;
            if (m_errors.first_other.empty()) m_errors.first_other = c.detail;
            break;
    }
    ++m_row.errors;
}

void Recorder::count_retry() {
    std::lock_guard lock(m_mutex);
    ++m_retries;
}

Snapshot Recorder::snapshot() const {
    std::lock_guard lock(m_mutex);
    return {m_ok + m_errors.total(), m_errors.total(), m_hist.percentile(0.99) / 1e6};
}

void Recorder::finish(std::chrono::steady_clock::time_point end) {
    std::lock_guard lock(m_mutex);
    int last = static_cast<int>(std::ceil(std::chrono::duration<double>(end - m_start).count()));
    if (m_seconds > 0) last = std::min(last, m_seconds);
    roll_to(std::max(last, m_current) + 1);
}

}  // namespace aegis::load
