#pragma once
// What a load run measured, collected from the reply threads: one latency histogram, the error
// classes, who served how many, and a per-second timeline (each second its own histogram,
// folded into a row when the second is over). Thread-safe; one short lock per completion.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/util/histogram.hpp"

namespace aegis::load {

// overloaded / shutting_down: the service refused the call at once (it did not run).
enum class Outcome {
    ok,
    timeout,
    no_responders,
    not_active,
    overloaded,
    shutting_down,
    remote_error,
    other
};
const char* outcome_key(Outcome o) noexcept;

struct Completion {
    Outcome outcome = Outcome::ok;
    std::chrono::nanoseconds latency{0};   // from the intended send time (open model)
    std::optional<std::string> instance;   // who answered (Aegis-Instance header)
    std::string code;                      // remote_error: Nats-Service-Error-Code, else empty
    std::string detail;                    // other: the first such message is kept
};

struct SecondRow {
    int second = 0;  // 1 = the first second of the measured run
    uint64_t ok = 0, errors = 0;
    double target_rps = -1;  // open model: the schedule's rate in the middle of the second
    double p50_ms = 0, p99_ms = 0, max_ms = 0;
};

struct Errors {
    uint64_t timeout = 0, no_responders = 0, not_active = 0, other = 0;
    uint64_t overloaded = 0, shutting_down = 0;
    std::map<std::string, uint64_t> remote;  // by error code
    std::string first_other;                 // a sample message of the "other" class
    uint64_t total() const;
};

struct Snapshot {  // for the live progress line
    uint64_t done = 0, errors = 0;
    double p99_ms = 0;
};

class Recorder {
public:
    // Completions after `seconds` (the run's length, when known) count in its last second.
    explicit Recorder(std::chrono::steady_clock::time_point start, int seconds = 0);
    void record(const Completion& c, std::chrono::steady_clock::time_point at);
    void count_retry();
    Snapshot snapshot() const;
    // Closes the current second; the rows carry no target rate (the engine fills it in).
    void finish(std::chrono::steady_clock::time_point end);

    // Valid after finish().
    const util::Histogram& latency() const { return m_hist; }
    uint64_t ok() const { return m_ok; }
    const Errors& errors() const { return m_errors; }
    uint64_t not_active_retries() const { return m_retries; }
    const std::map<std::string, uint64_t>& by_instance() const { return m_by_instance; }
    std::vector<SecondRow>& timeline() { return m_timeline; }
    std::chrono::steady_clock::time_point last_completion() const { return m_last; }

private:
    void roll_to(int second);
    mutable std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_start, m_last;
    util::Histogram m_hist{1.0};     // nanoseconds
    util::Histogram m_second{1.0};   // the current second
    int m_current = 1;
    int m_seconds = 0;
    SecondRow m_row;
    uint64_t m_ok = 0, m_retries = 0;
    Errors m_errors;
    std::map<std::string, uint64_t> m_by_instance;
    std::vector<SecondRow> m_timeline;
};

}  // namespace aegis::load
