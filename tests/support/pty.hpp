#pragma once
// `aegis ARGS` on a pseudo-terminal, for tests of what a user at a terminal sees and types
// (the call REPL, quickstart's questions).
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "core/util/process.hpp"
#include "tests/support/run_process.hpp"

namespace aegis::test {

using namespace std::chrono_literals;

// `aegis ARGS` on a pseudo-terminal: what a user at a terminal sees and types.
class Pty {
public:
    Pty(const std::vector<std::string>& args,
        const std::vector<std::pair<std::string, std::string>>& env, unsigned short rows = 30,
        unsigned short cols = 110) {
        winsize ws{rows, cols, 0, 0};
        m_pid = forkpty(&m_fd, nullptr, nullptr, &ws);
        if (m_pid == 0) {
            for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
            setenv("TERM", "xterm", 1);
            std::vector<std::string> full{aegis_binary()};
            full.insert(full.end(), args.begin(), args.end());
            std::vector<char*> argv;
            for (auto& a : full) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
    }
    ~Pty() {
        if (m_pid > 0 && !m_exited) {
            kill(m_pid, SIGKILL);
            util::wait_exit(m_pid, 5s);
        }
        if (m_fd >= 0) close(m_fd);
    }
    void type(const std::string& keys) {
        ssize_t n = write(m_fd, keys.data(), keys.size());
        (void)n;
    }
    // Reads until `text` shows up after what was already consumed; false on timeout.
    bool expect(const std::string& text, std::chrono::milliseconds timeout = 10s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto at = m_out.find(text, m_consumed);
            if (at != std::string::npos) {
                m_consumed = at + text.size();
                return true;
            }
            if (std::chrono::steady_clock::now() > deadline) return false;
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 50) > 0) {
                char buf[4096];
                ssize_t n = read(m_fd, buf, sizeof buf);
                if (n <= 0) return false;
                m_out.append(buf, static_cast<size_t>(n));
            }
        }
    }
    int wait_exit(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            expect("\x01never\x01", 50ms);  // keep draining so the child never blocks on output
            if (auto s = util::wait_exit(m_pid, 10ms)) {
                m_exited = true;
                drain();  // what it wrote just before it exited is still in the pty's buffer
                return *s;
            }
        }
        return -1;
    }
    const std::string& output() const { return m_out; }
    // Reads whatever arrives within `d` without looking for anything.
    void pump(std::chrono::milliseconds d) { expect("\x01never\x01", d); }
    // The terminal changes size: the kernel sends SIGWINCH to the program.
    void resize(unsigned short rows, unsigned short cols) {
        winsize ws{rows, cols, 0, 0};
        ioctl(m_fd, TIOCSWINSZ, &ws);
    }

private:
    // Reads what is left after the child exited (read() ends with EIO once the buffer is empty).
    void drain() {
        for (;;) {
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) return;
            char buf[4096];
            ssize_t n = read(m_fd, buf, sizeof buf);
            if (n <= 0) return;
            m_out.append(buf, static_cast<size_t>(n));
        }
    }

    pid_t m_pid = -1;
    int m_fd = -1;
    bool m_exited = false;
    std::string m_out;
    size_t m_consumed = 0;
};

}  // namespace aegis::test
