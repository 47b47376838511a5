#include "core/scenario/ns_cluster.hpp"
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <stdlib.h>

#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/netns/http_get.hpp"
#include "core/util/error.hpp"
#include "core/util/net.hpp"
#include "core/util/paths.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"

namespace aegis::scenario {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Routes are pinged every second and dropped after two missed answers: a cut shows in ~3 s.
constexpr const char* k_node_config = "ping_interval: \"1s\"\nping_max: 2\n";

std::string temp_dir() {
    std::string dir = (fs::temp_directory_path() / "netns-cluster-XXXXXX").string();
    if (!mkdtemp(dir.data())) throw IoError("cannot create a temporary directory");
    return dir;
}

std::shared_ptr<nats::Connection> connect_to(const std::vector<std::string>& urls) {
    nats::ConnectOptions o;
    o.servers = urls;
    o.name = "aegis netns cluster";
    o.max_reconnect = 0;
    o.connect_timeout = std::chrono::milliseconds(1000);
    return nats::Connection::connect(o);
}

bool jetstream_answers(const std::string& url) {
    try {
        auto reply = connect_to({url})->request("$JS.API.INFO", "", std::chrono::seconds(1));
        return !wire::from_json(std::string(reply.data())).contains("error");
    } catch (const std::exception&) {
        return false;
    }
}

// Until every peer has reported to the meta leader a stream with a replica on each node cannot
// be placed: place a throwaway one, then delete it.
bool can_place(const std::vector<std::string>& urls) {
    try {
        auto c = connect_to(urls);
        nats::StreamConfig probe;
        probe.name = "AEGIS_NETNS_PROBE";
        probe.subjects = {"aegis.netns.probe"};
        probe.replicas = static_cast<int>(urls.size());
        nats::ensure_stream(*c, probe);
        c->request("$JS.API.STREAM.DELETE.AEGIS_NETNS_PROBE", "", std::chrono::seconds(2));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

NsCluster::NsCluster(NsClusterOptions o)
    : m_fabric(std::make_unique<netns::Fabric>(netns::FabricOptions{o.nodes})), m_options(std::move(o)) {
    m_own_dir = m_options.dir.empty();
    m_dir = m_own_dir ? temp_dir() : m_options.dir;
    try {
        util::make_dirs(m_dir);
        util::write_file(m_dir + "/node.conf", k_node_config);
        for (int i = 0; i < m_options.nodes; ++i) m_pids.push_back(spawn_node(i));
        wait_ready();
    } catch (...) {
        for (pid_t p : m_pids) util::terminate(p, std::chrono::milliseconds(2000));
        m_fabric->remove();
        if (m_own_dir) fs::remove_all(m_dir);
        throw;
    }
}

NsCluster::~NsCluster() {
    // Together, not one by one: a node stopping alone waits for its peers (routes, Raft).
    for (pid_t p : m_pids) ::kill(p, SIGTERM);
    for (pid_t p : m_pids) util::terminate(p, std::chrono::milliseconds(3000));
    m_fabric->remove();
    std::error_code ec;
    if (m_own_dir && !std::getenv("AEGIS_KEEP_LOGS")) fs::remove_all(m_dir, ec);
}

pid_t NsCluster::spawn_node(int i) const {
    std::string addr = m_fabric->node_address(i), store = m_dir + "/" + server_name(i);
    std::string routes;
    for (int j = 0; j < m_options.nodes; ++j)
        routes += (routes.empty() ? "nats://" : ",nats://") + m_fabric->node_address(j) + ":" +
                  std::to_string(k_route_port);
    util::make_dirs(store);
    util::SpawnOptions so;
    so.argv = m_fabric->exec_prefix(i);
    std::string exe = util::find_in_path("nats-server");
    if (exe.empty())
        throw UnavailableError("nats-server is not installed",
                               "install it with 'apt-get install nats-server'");
    so.argv.insert(so.argv.end(),
                   {exe, "-c", m_dir + "/node.conf", "-a", addr, "-p",
                    std::to_string(k_client_port), "-m", std::to_string(k_monitor_port), "-js",
                    "-sd", store, "--server_name", server_name(i), "--cluster_name",
                    m_options.cluster_name, "--cluster",
                    "nats://" + addr + ":" + std::to_string(k_route_port), "--routes", routes});
    so.stdout_path = store + ".log";
    so.stderr_path = "=stdout";
    so.die_with_parent = true;  // a crashed run leaves no server behind
    return util::spawn(so);
}

void NsCluster::wait_ready() {
    auto deadline = Clock::now() + std::chrono::seconds(30);
    auto wait = [&](auto&& ready, int node) {
        while (!ready()) {
            if (node >= 0 && !util::alive(pid(node)))
                throw UnavailableError("nats-server " + server_name(node) + " exited at start",
                                       "see " + m_dir + "/" + server_name(node) + ".log");
            if (Clock::now() > deadline)
                throw UnavailableError("the namespaced cluster did not become ready in 30 s",
                                       "see the logs in " + m_dir);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    };
    for (int i = 0; i < size(); ++i)
        wait([&] { return util::probe_nats(m_fabric->node_address(i), k_client_port); }, i);
    for (int i = 0; i < size(); ++i) wait([&] { return jetstream_answers(url(i)); }, i);
    wait([&] { return can_place(url_list()); }, -1);
}

int NsCluster::index_of(const std::string& name) const {
    for (int i = 0; i < size(); ++i)
        if (server_name(i) == name) return i;
    return -1;
}

std::string NsCluster::url(int i) const {
    return "nats://" + m_fabric->node_address(i) + ":" + std::to_string(k_client_port);
}

std::vector<std::string> NsCluster::url_list() const {
    std::vector<std::string> out;
    for (int i = 0; i < size(); ++i) out.push_back(url(i));
    return out;
}

std::string NsCluster::urls() const {
    std::string out;
    for (auto& u : url_list()) out += (out.empty() ? "" : ",") + u;
    return out;
}

std::string NsCluster::log(int i) const {
    std::ifstream in(m_dir + "/" + server_name(i) + ".log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int NsCluster::routes(int i, std::chrono::milliseconds timeout) const {
    std::string body = netns::http_get(m_fabric->node_address(i), k_monitor_port, "/routez", timeout);
    if (body.empty()) return -1;
    try {
        return wire::from_json(body).at("num_routes").get<int>();
    } catch (const std::exception&) {
        return -1;
    }
}

}  // namespace aegis::scenario
