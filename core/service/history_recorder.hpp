#pragma once
// The execution history a single-active service can record for the history checker
// (core/history/checker.hpp): one JSON object per line, appended to a file shared by every
// instance of a run. Each record is a single write() on a descriptor opened with O_APPEND, so
// lines from several processes never interleave. Recording is best effort and bounded: a
// write error (or reaching the size bound) is logged once and recording stops — it never
// throws into a handler and never blocks one for longer than a local write.
//
// Records (times are CLOCK_REALTIME microseconds, comparable between processes of one host):
//   {"kind":"exec","service","group","method","instance","term","start_us","end_us","msg_id",
//    "outcome":"ok"|"error"}      an exclusive execution; term = the lease revision it believed
//                                 it held when it started
//   {"kind":"lease","service","group","instance","term","event","t_us"}  event: acquired |
//                                 renewed-failed | lost | fenced | released
//   {"kind":"order","service","order_id","instance","t_us"}   the order demo created an order
//   {"kind":"ack","service","msg_id","order_id"?,"t_us"}       a caller got a successful reply
//   {"kind":"final","service","order_ids":[...],"t_us"}        orders present at the end of a run
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/wire/json.hpp"

namespace aegis::service {

// The environment variable naming the history file (read by SingleActiveService and the order
// demo when no path is given in code).
inline constexpr const char* k_history_env = "AEGIS_HISTORY_FILE";
// Recording stops when the file reaches this size (a run that records more is misconfigured).
inline constexpr size_t k_history_max_bytes = size_t{256} << 20;

// CLOCK_REALTIME in microseconds.
int64_t history_now_us() noexcept;

class HistoryRecorder {
public:
    // Opens (creates) `path` for appending; on failure the recorder is inactive (logged once).
    explicit HistoryRecorder(std::string path, size_t max_bytes = k_history_max_bytes);
    ~HistoryRecorder();
    HistoryRecorder(const HistoryRecorder&) = delete;
    HistoryRecorder& operator=(const HistoryRecorder&) = delete;

    // One line, one write(). Never throws.
    void record(const Json& j) noexcept;
    bool active() const noexcept;
    const std::string& path() const noexcept { return m_path; }

    // The process's recorder for `path` (one descriptor per path, shared); null for "".
    static std::shared_ptr<HistoryRecorder> for_path(const std::string& path);
    // for_path($AEGIS_HISTORY_FILE); null when the variable is unset or empty.
    static std::shared_ptr<HistoryRecorder> from_env();

private:
    std::string m_path;
    size_t m_max;
    int m_fd = -1;
    struct Counters;
    std::unique_ptr<Counters> m_c;
};

}  // namespace aegis::service
