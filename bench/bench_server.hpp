#pragma once
// The benchmarks' nats-server: the one at --server when given, else a JetStream server of our
// own on a free loopback port, stopped (and its store removed) when this goes out of scope.
#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "core/util/net.hpp"
#include "core/util/process.hpp"

namespace aegis::bench {

class BenchServer {
public:
    // Starts a server when `url` is empty and sets `url` to it.
    explicit BenchServer(std::string& url) {
        if (!url.empty()) return;
        char tmpl[] = "/tmp/aegis-bench-XXXXXX";
        m_dir = mkdtemp(tmpl);
        int port = util::free_port();
        util::SpawnOptions so;
        so.argv = {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port), "-js", "-sd", m_dir};
        so.stdout_path = m_dir + "/server.log";
        so.stderr_path = "=stdout";
        m_pid = util::spawn(so);
        while (!util::probe_nats("127.0.0.1", port))
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        url = "nats://127.0.0.1:" + std::to_string(port);
    }
    ~BenchServer() {
        if (!m_pid) return;
        util::terminate(m_pid);
        std::filesystem::remove_all(m_dir);
    }
    BenchServer(const BenchServer&) = delete;
    BenchServer& operator=(const BenchServer&) = delete;

    pid_t pid() const { return m_pid; }  // 0 when the server is someone else's

private:
    pid_t m_pid = 0;
    std::string m_dir;
};

}  // namespace aegis::bench
