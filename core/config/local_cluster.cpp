// `aegis up --cluster N`: a JetStream cluster of N nats-servers on loopback — one store and one
// log per node, server names aegis-local-<i>, cluster aegis-local, every node routing to all.
#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "core/config/local_server_internal.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/paths.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::config {

using namespace local_detail;

namespace {

std::string node_url(int port) { return "nats://127.0.0.1:" + std::to_string(port); }

std::string routes_of(const LocalServer& s) {
    std::string out;
    for (auto& n : s.nodes) out += (out.empty() ? "" : ",") + node_url(n.cluster_port);
    return out;
}

pid_t spawn_node(const std::string& exe, const LocalServer& s, const LocalNode& n) {
    util::make_dirs(n.data_dir);
    util::SpawnOptions so;
    // Every node lists every route, itself included (a server ignores a route to itself), so
    // any node can be restarted alone and find the others.
    so.argv = {exe, "-a", "127.0.0.1", "-p", std::to_string(n.port), "-js", "-sd", n.data_dir,
               "--server_name", n.name, "--cluster_name", s.cluster_name,
               "--cluster", node_url(n.cluster_port), "--routes", routes_of(s)};
    so.stdout_path = n.log_file;
    so.stderr_path = "=stdout";
    so.new_session = true;
    so.daemon = true;  // runs on after 'aegis up' returns
    return util::spawn(so);
}

// A node answers JetStream API requests without an error once it knows the meta leader, i.e.
// its routes are up and the cluster has elected one (a few seconds after a cold start).
bool jetstream_answers(int port) {
    try {
        nats::ConnectOptions o;
        o.servers = {node_url(port)};
        o.name = "aegis up";
        o.max_reconnect = 0;
        o.connect_timeout = std::chrono::milliseconds(500);
        auto c = nats::Connection::connect(o);
        auto reply = c->request("$JS.API.INFO", "", std::chrono::milliseconds(500));
        return !wire::from_json(std::string(reply.data())).contains("error");
    } catch (const std::exception&) {
        return false;
    }
}

// Until every peer has reported to the meta leader, a stream with a replica on each node
// cannot be placed: place a throwaway one (then delete it), so services started right after
// 'aegis up' can create their R3 buckets.
bool can_place(const LocalServer& s) {
    try {
        nats::ConnectOptions o;
        for (auto& n : s.nodes) o.servers.push_back(node_url(n.port));
        o.name = "aegis up";
        o.max_reconnect = 0;
        auto c = nats::Connection::connect(o);
        nats::StreamConfig probe;
        probe.name = "AEGIS_UP_PROBE";
        probe.subjects = {"aegis.up.probe"};
        probe.replicas = static_cast<int>(s.nodes.size());
        nats::ensure_stream(*c, probe);
        c->request("$JS.API.STREAM.DELETE.AEGIS_UP_PROBE", "", std::chrono::milliseconds(2000));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void wait_jetstream(const LocalServer& s) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto wait = [&](auto&& ready, const std::string& log_file) {
        while (!ready()) {
            if (std::chrono::steady_clock::now() > deadline)
                throw UnavailableError("the JetStream cluster did not become ready in 30 s",
                                       "see " + log_file);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    };
    for (auto& n : s.nodes) wait([&] { return jetstream_answers(n.port); }, n.log_file);
    wait([&] { return can_place(s); }, s.nodes[0].log_file);
}

void stop_started(const LocalServer& s) {
    for (auto& n : s.nodes)
        if (n.pid > 0 && ours(n.pid)) util::terminate(n.pid, std::chrono::milliseconds(3000));
}

}  // namespace

LocalServer start_cluster(const UpOptions& o, bool* started) {
    std::string exe = nats_server_exe();
    LocalServer s;
    s.cluster_name = k_local_cluster_name;
    s.data_dir = o.data_dir.empty() ? util::state_dir() + "/cluster" : o.data_dir;
    for (int i = 0; i < o.cluster; ++i) {
        LocalNode n;
        n.name = std::string(k_local_cluster_name) + "-" + std::to_string(i + 1);
        n.port = o.port == 0 ? util::free_port() : o.port + i;
        port_must_be_free(n.port);
        n.data_dir = s.data_dir + "/" + n.name;
        n.log_file = util::state_dir() + "/nats-server-" + n.name + ".log";
        s.nodes.push_back(std::move(n));
    }
    for (auto& n : s.nodes) {
        do n.cluster_port = util::free_port();
        while (std::any_of(s.nodes.begin(), s.nodes.end(), [&](const LocalNode& m) {
            return m.port == n.cluster_port || (&m != &n && m.cluster_port == n.cluster_port);
        }));
    }
    try {
        for (auto& n : s.nodes) n.pid = spawn_node(exe, s, n);
        for (auto& n : s.nodes) {
            wait_ready(n.pid, n.port, n.log_file);
            n.started_at = wire::rfc3339_ms(std::chrono::system_clock::now());
            record_identity(n.pid, n.start_time, n.cmdline);
            n.running = true;
        }
        wait_jetstream(s);
    } catch (...) {
        stop_started(s);
        throw;
    }
    s.pid = s.nodes[0].pid;
    s.port = s.nodes[0].port;
    s.log_file = s.nodes[0].log_file;
    for (auto& n : s.nodes) s.url += (s.url.empty() ? "" : ",") + node_url(n.port);
    s.started_at = s.nodes[0].started_at;
    s.running = true;
    save(s);
    if (started) *started = true;
    return s;
}

LocalServer restart_nodes(LocalServer s, bool* started) {
    std::string exe = nats_server_exe();
    for (auto& n : s.nodes) {
        if (n.running) continue;
        port_must_be_free(n.port);
        n.pid = spawn_node(exe, s, n);
        wait_ready(n.pid, n.port, n.log_file);
        n.started_at = wire::rfc3339_ms(std::chrono::system_clock::now());
        record_identity(n.pid, n.start_time, n.cmdline);
        n.running = true;
        log::info("restarted {} on {}", n.name, node_url(n.port));
    }
    wait_jetstream(s);
    s.pid = s.nodes[0].pid;
    s.started_at = s.nodes[0].started_at;
    save(s);
    if (started) *started = true;
    return s;
}

}  // namespace aegis::config
