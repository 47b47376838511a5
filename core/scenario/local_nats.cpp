#include "core/scenario/local_nats.hpp"
#include <chrono>
#include <string>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/util/error.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"

namespace aegis::scenario {

namespace fs = std::filesystem;

LocalNats::LocalNats() {
    m_exe = util::find_in_path("nats-server");
    if (m_exe.empty())
        throw UnavailableError("nats-server is not installed (needed by --local)",
                               "install it with 'sudo apt-get install nats-server'");
    std::string dir = (fs::temp_directory_path() / "aegis-test-nats-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw IoError("cannot create a temporary directory");
    m_dir = dir;
    start(-1);
}

LocalNats::~LocalNats() {
    stop();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

namespace {

// The client URL from the server's ports file, once it is written completely.
std::string read_ports(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return wire::from_json(ss.str()).at("nats").at(0).get<std::string>();
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace

void LocalNats::start(int port) {
    util::SpawnOptions so;
    so.argv = {m_exe, "-a", "127.0.0.1", "-p", std::to_string(port), "--ports_file_dir", m_dir,
               "-js", "-sd", m_dir + "/js", "--server_name", "aegis-test"};
    so.stdout_path = m_dir + "/server.log";
    so.stderr_path = "=stdout";
    so.die_with_parent = true;  // never outlives a crashed run
    m_pid = util::spawn(so);
    std::string ports = m_dir + "/nats-server_" + std::to_string(m_pid) + ".ports";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!util::alive(m_pid)) {
            m_pid = 0;
            throw UnavailableError("the local nats-server exited at start",
                                   "see " + m_dir + "/server.log");
        }
        std::string url = read_ports(ports);
        if (!url.empty()) {
            int p = std::stoi(url.substr(url.rfind(':') + 1));
            if (util::probe_nats("127.0.0.1", p)) {
                m_url = url;
                m_port = p;
                return;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    util::terminate(m_pid);
    m_pid = 0;
    throw UnavailableError("the local nats-server did not become ready in 10 s");
}

void LocalNats::stop() {
    if (m_pid > 0) util::terminate(m_pid, std::chrono::milliseconds(5000));
    m_pid = 0;
}

void LocalNats::restart() {
    stop();
    start(m_port);
}

}  // namespace aegis::scenario
