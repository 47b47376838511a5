#include "core/util/signals.hpp"
#include <functional>
#include <chrono>

#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

namespace aegis::util {

namespace {
std::atomic<int> g_signal{0};
std::atomic<const char*> g_cleanup_note{nullptr};
std::atomic<int> g_count{0};
std::atomic<int> g_exit_at{0};
std::atomic<bool> g_output_closed{false};

// The first signal asks the command to stop cleanly; a second Ctrl-C while it is still stopping
// ends the process at once (a call in flight, a hung server), as the user clearly means it —
// unless what it is doing is removing what it created, which a quick exit would leave behind.
extern "C" void on_stop_signal(int sig) {
    int n = g_count.fetch_add(1) + 1;
    int exit_at = g_exit_at.load();
    if (exit_at > 0 && n >= exit_at) _exit(130);
    if (exit_at == 0 && sig == SIGINT && g_signal.load() == SIGINT) {
        const char* note = g_cleanup_note.load();
        if (!note) _exit(130);
        ssize_t w = write(STDERR_FILENO, note, std::strlen(note));  // async-signal-safe
        (void)w;
        return;
    }
    g_signal.store(sig);
}
}  // namespace

void install_stop_signals(const char* cleanup_note) {
    g_cleanup_note.store(cleanup_note);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

namespace {

// A pipe whose reader has gone reports POLLERR to its writer (a socket or terminal: POLLHUP);
// a file or /dev/null never does, so the thread just sleeps in poll() for good.
void watch_stdout() {
    pollfd fd{STDOUT_FILENO, 0, 0};
    for (;;) {
        int n = poll(&fd, 1, -1);
        if (n < 0 && errno != EINTR) return;
        if (n > 0 && (fd.revents & (POLLERR | POLLHUP))) break;
        if (n > 0 && (fd.revents & POLLNVAL)) return;
    }
    note_output_closed();
}

}  // namespace

void install_tool_signals(const char* cleanup_note) {
    install_stop_signals(cleanup_note);
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGHUP, &sa, nullptr);
    static std::once_flag once;
    std::call_once(once, [] { std::thread(watch_stdout).detach(); });
}

void note_output_closed() {
    g_output_closed.store(true);
    int expected = 0;
    g_signal.compare_exchange_strong(expected, SIGPIPE);
}

bool output_closed() { return g_output_closed.load(); }

bool stop_requested() { return g_signal.load() != 0; }
int stop_signal() { return g_signal.load(); }
void request_stop() {
    int expected = 0;
    g_signal.compare_exchange_strong(expected, -1);
}
void reset_stop() { g_signal.store(0); }
int stop_signal_count() { return g_count.load(); }
void exit_on_signal_count(int n) { g_exit_at.store(n); }

void wait_for_stop(const std::function<bool()>& done, std::chrono::milliseconds poll) {
    while (!stop_requested() && !(done && done())) std::this_thread::sleep_for(poll);
}

bool sleep_unless_stopped(std::chrono::milliseconds d) {
    auto until = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < until) {
        if (stop_requested()) return false;
        auto left = until - std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            left, std::chrono::milliseconds(20)));
    }
    return !stop_requested();
}

}  // namespace aegis::util
