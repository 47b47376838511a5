#include "tests/support/nats_server.hpp"

#include <catch2/catch.hpp>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/nats/connection.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"

namespace aegis::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "aegis-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_path = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
}

NatsServer::NatsServer() : NatsServer(Options{}) {}

NatsServer::NatsServer(Options options) : m_options(std::move(options)) {
    if (util::find_in_path("nats-server").empty())
        throw std::runtime_error("nats-server not found in PATH (apt-get install nats-server)");
    std::string tmpl = (fs::temp_directory_path() / "aegis-nats-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    m_dir = tmpl;
    m_port = m_options.port;
    start();
}

void NatsServer::start() {
    util::SpawnOptions so;
    so.argv = {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(m_port),
               "--ports_file_dir", m_dir};
    if (m_options.jetstream) {
        so.argv.insert(so.argv.end(), {"-js", "-sd", m_dir + "/js"});
    }
    so.argv.insert(so.argv.end(), m_options.extra_args.begin(), m_options.extra_args.end());
    so.stdout_path = m_dir + "/server.log";
    so.stderr_path = "=stdout";
    so.die_with_parent = true;  // a crashed test run must not leave servers behind
    m_pid = util::spawn(so);
    std::string ports_file = m_dir + "/nats-server_" + std::to_string(m_pid) + ".ports";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!util::alive(m_pid)) throw std::runtime_error("nats-server exited:\n" + log());
        std::ifstream in(ports_file);
        if (in) {
            std::stringstream ss;
            ss << in.rdbuf();
            try {
                auto j = wire::from_json(ss.str());
                m_url = j.at("nats").at(0).get<std::string>();
                m_port = std::stoi(m_url.substr(m_url.rfind(':') + 1));
                if (util::probe_nats("127.0.0.1", m_port)) return;
            } catch (const std::exception&) {
                // partially written; try again
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("nats-server did not become ready:\n" + log());
}

NatsServer::~NatsServer() {
    if (m_pid > 0) util::terminate(m_pid, std::chrono::milliseconds(2000));
    bool keep = std::getenv("AEGIS_KEEP_LOGS") != nullptr;
    if (!keep) {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
}

std::string NatsServer::log() const {
    std::ifstream in(m_dir + "/server.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void NatsServer::kill_now() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        util::wait_exit(m_pid, std::chrono::milliseconds(5000));
    }
    m_pid = 0;
}

void NatsServer::restart() {
    kill_now();
    start();
}

std::shared_ptr<nats::Connection> NatsServer::connect(const std::string& name) const {
    nats::ConnectOptions o;
    o.servers = {m_url};
    o.name = name;
    return nats::Connection::connect(o);
}

}  // namespace aegis::test
