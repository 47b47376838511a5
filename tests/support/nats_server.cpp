#include "tests/support/nats_server.hpp"

#include <catch2/catch.hpp>
#include <signal.h>
#include <stdlib.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
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
    m_cluster_port = m_options.cluster_port;
    start();
}

void NatsServer::start() {
    util::SpawnOptions so;
    so.argv = {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(m_port),
               "--ports_file_dir", m_dir};
    if (m_options.jetstream) {
        so.argv.insert(so.argv.end(), {"-js", "-sd", m_dir + "/js"});
    }
    const bool clustered = !m_options.cluster_name.empty();
    if (clustered) {
        so.argv.insert(so.argv.end(),
                       {"--server_name", m_options.server_name, "--cluster_name",
                        m_options.cluster_name, "--cluster",
                        "nats://127.0.0.1:" + std::to_string(m_cluster_port)});
        std::string routes;
        for (auto& r : m_options.routes) routes += (routes.empty() ? "" : ",") + r;
        if (!routes.empty()) so.argv.insert(so.argv.end(), {"--routes", routes});
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
                if (clustered) {
                    auto c = j.at("cluster").at(0).get<std::string>();
                    m_cluster_port = std::stoi(c.substr(c.rfind(':') + 1));
                }
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

void NatsServer::restart(bool wipe_store) {
    kill_now();
    if (wipe_store) {
        std::error_code ec;
        fs::remove_all(m_dir + "/js", ec);
    }
    start();
}

std::shared_ptr<nats::Connection> NatsServer::connect(const std::string& name) const {
    nats::ConnectOptions o;
    o.servers = {m_url};
    o.name = name;
    return nats::Connection::connect(o);
}

}  // namespace aegis::test

namespace aegis::test {

namespace {

std::string unique_cluster_name() {
    static std::atomic<int> counter{0};
    return "aegis-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace

NatsCluster::NatsCluster(int size) : m_name(unique_cluster_name()) {
    for (int attempt = 1;; ++attempt) {
        std::vector<int> ports;
        while (static_cast<int>(ports.size()) < size) {
            int p = util::free_port();
            if (std::find(ports.begin(), ports.end(), p) == ports.end()) ports.push_back(p);
        }
        std::vector<std::string> routes;
        for (int p : ports) routes.push_back("nats://127.0.0.1:" + std::to_string(p));
        try {
            m_nodes.clear();
            for (int i = 0; i < size; ++i) {
                NatsServer::Options o;
                o.cluster_name = m_name;
                o.server_name = "n" + std::to_string(i + 1);
                o.cluster_port = ports[static_cast<size_t>(i)];
                o.routes = routes;  // a route to itself is ignored by the server
                m_nodes.push_back(std::make_unique<NatsServer>(o));
            }
            break;
        } catch (const std::runtime_error&) {
            if (attempt == 3) throw;  // someone took a route port between our look and its bind
        }
    }
    if (!wait_jetstream()) throw std::runtime_error("JetStream cluster not ready:\n" + logs());
}

NatsCluster::~NatsCluster() = default;

std::vector<std::string> NatsCluster::url_list() const {
    std::vector<std::string> out;
    for (auto& n : m_nodes) out.push_back(n->url());
    return out;
}

std::string NatsCluster::urls() const {
    std::string out;
    for (auto& u : url_list()) out += (out.empty() ? "" : ",") + u;
    return out;
}

void NatsCluster::restart(int i) { node(i).restart(); }

bool NatsCluster::wait_jetstream(std::chrono::milliseconds timeout) const {
    // A node answers $JS.API.INFO without an error only once it knows the meta leader.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (auto& n : m_nodes) {
        if (n->pid() == 0) continue;  // killed by the test
        std::shared_ptr<nats::Connection> c;
        for (;;) {
            try {
                if (!c) c = n->connect("wait-jetstream");
                auto reply = c->request("$JS.API.INFO", "", std::chrono::milliseconds(500));
                auto j = wire::from_json(reply.data());
                if (!j.contains("error")) break;
            } catch (const std::exception&) {
                // not yet: no meta leader, or the node is still starting
            }
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    return can_place_replicas(deadline);
}

// The meta leader answering is not enough: until every peer has reported in, a bucket with one
// replica per node cannot be placed ("insufficient resources"). Place one, then remove it.
bool NatsCluster::can_place_replicas(std::chrono::steady_clock::time_point deadline) const {
    int running = 0;
    for (auto& n : m_nodes) running += n->pid() != 0;
    if (running < size()) return true;  // a degraded cluster: its meta leader answering is enough
    for (;;) {
        try {
            auto c = connect("wait-placement");
            nats::BucketConfig probe;
            probe.name = "aegis_fixture_probe";
            probe.replicas = running;
            nats::KeyValue::open_or_create(c, probe);
            c->request("$JS.API.STREAM.DELETE.KV_aegis_fixture_probe", "",
                       std::chrono::milliseconds(2000));
            return true;
        } catch (const std::exception&) {
            // not yet
        }
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::shared_ptr<nats::Connection> NatsCluster::connect(const std::string& name) const {
    nats::ConnectOptions o;
    o.servers = url_list();
    o.name = name;
    return nats::Connection::connect(o);
}

std::string NatsCluster::logs() const {
    std::string out;
    for (auto& n : m_nodes) out += "---- " + n->dir() + "\n" + n->log();
    return out;
}

}  // namespace aegis::test
