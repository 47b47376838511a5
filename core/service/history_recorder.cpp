#include "core/service/history_recorder.hpp"
#include <map>
#include <memory>
#include <string>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "core/util/log.hpp"

namespace aegis::service {

struct HistoryRecorder::Counters {
    std::atomic<size_t> written{0};
    std::atomic<bool> stopped{false};
};

int64_t history_now_us() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1000000 + ts.tv_nsec / 1000;
}

HistoryRecorder::HistoryRecorder(std::string path, size_t max_bytes)
    : m_path(std::move(path)), m_max(max_bytes), m_c(std::make_unique<Counters>()) {
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0) {
        log::warn("history: cannot open '{}': {}; not recording", m_path, std::strerror(errno));
        m_c->stopped = true;
        return;
    }
    off_t size = ::lseek(m_fd, 0, SEEK_END);  // the bound counts what earlier writers wrote
    if (size > 0) m_c->written = static_cast<size_t>(size);
}

HistoryRecorder::~HistoryRecorder() {
    if (m_fd >= 0) ::close(m_fd);
}

bool HistoryRecorder::active() const noexcept { return m_fd >= 0 && !m_c->stopped.load(); }

void HistoryRecorder::record(const Json& j) noexcept {
    if (!active()) return;
    std::string line;
    try {
        line = j.dump(-1, ' ', false, Json::error_handler_t::replace);
        line += '\n';
    } catch (...) {
        return;
    }
    // Reserve the bytes first, so concurrent writers cannot together pass the bound.
    size_t before = m_c->written.fetch_add(line.size());
    if (before + line.size() > m_max) {
        if (!m_c->stopped.exchange(true))
            log::warn("history: '{}' reached {} bytes; recording stopped", m_path, m_max);
        return;
    }
    // One write() per record: with O_APPEND the line lands whole at the end of the file, never
    // interleaved with another process's line (a regular file's append is atomic on Linux).
    ssize_t n;
    do {
        n = ::write(m_fd, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(line.size()) && !m_c->stopped.exchange(true))
        log::warn("history: writing '{}' failed: {}; recording stopped", m_path,
                  n < 0 ? std::strerror(errno) : "short write");
}

std::shared_ptr<HistoryRecorder> HistoryRecorder::for_path(const std::string& path) {
    if (path.empty()) return nullptr;
    static std::mutex mutex;
    static std::map<std::string, std::weak_ptr<HistoryRecorder>> open;
    std::lock_guard lk(mutex);
    if (auto r = open[path].lock()) return r;
    auto r = std::make_shared<HistoryRecorder>(path);
    open[path] = r;
    return r;
}

std::shared_ptr<HistoryRecorder> HistoryRecorder::from_env() {
    const char* p = std::getenv(k_history_env);
    return p && *p ? for_path(p) : nullptr;
}

}  // namespace aegis::service
