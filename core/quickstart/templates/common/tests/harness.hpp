#pragma once
// A real nats-server on a free loopback port and the program under test as a child process.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace harness {

inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

inline bool can_connect(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// A child process, stopped with SIGTERM (then SIGKILL) when it goes out of scope.
class Child {
public:
    explicit Child(std::vector<std::string> argv) {
        m_pid = ::fork();
        if (m_pid == 0) {
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            ::execvp(args[0], args.data());
            ::_exit(127);
        }
    }
    ~Child() {
        if (m_pid <= 0) return;
        ::kill(m_pid, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

private:
    pid_t m_pid = -1;
};

inline bool on_path(const std::string& program) {
    return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

// nats-server with JetStream in a temporary directory, listening on 127.0.0.1 only.
class NatsServer {
public:
    NatsServer()
        : m_port(free_port()),
          m_dir(std::filesystem::temp_directory_path() /
                ("nats-test-" + std::to_string(::getpid()) + "-" + std::to_string(m_port))),
          m_proc({"nats-server", "-a", "127.0.0.1", "-p", std::to_string(m_port), "-js", "-sd",
                  m_dir.string()}) {
        for (int i = 0; i < 100 && !can_connect(m_port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!can_connect(m_port)) throw std::runtime_error("nats-server did not start");
    }
    ~NatsServer() { std::filesystem::remove_all(m_dir); }
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(m_port); }

private:
    int m_port;
    std::filesystem::path m_dir;
    Child m_proc;
};

// Calls `attempt` until it returns true or `limit` passes (the service needs a moment to start).
inline bool eventually(const std::function<bool()>& attempt,
                       std::chrono::milliseconds limit = std::chrono::seconds(15)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        try {
            if (attempt()) return true;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

}  // namespace harness
