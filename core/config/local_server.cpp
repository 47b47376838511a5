#include "core/config/local_server.hpp"
#include <optional>
#include <chrono>
#include <string>
#include <vector>

#include <signal.h>

#include <thread>

#include "core/config/local_server_internal.hpp"

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/paths.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::config {

std::string local_server_state_file() { return util::state_dir() + "/nats-server.json"; }

int LocalServer::nodes_running() const {
    int n = 0;
    for (auto& node : nodes) n += node.running;
    return n;
}

namespace local_detail {

Json node_json(const LocalNode& n) {
    return {{"name", n.name},         {"pid", n.pid},           {"port", n.port},
            {"cluster_port", n.cluster_port}, {"data_dir", n.data_dir}, {"log_file", n.log_file},
            {"started_at", n.started_at}, {"start_time", n.start_time}, {"cmdline", n.cmdline}};
}

void save(const LocalServer& s) {
    Json j = {{"pid", s.pid},           {"port", s.port},
              {"url", s.url},           {"data_dir", s.data_dir},
              {"log_file", s.log_file}, {"started_at", s.started_at},
              {"start_time", s.start_time}, {"cmdline", s.cmdline}};
    if (s.clustered()) {
        j["cluster"] = s.cluster_name;
        j["nodes"] = Json::array();
        for (auto& n : s.nodes) j["nodes"].push_back(node_json(n));
    }
    util::write_file(local_server_state_file(), j.dump(2) + "\n");
}

std::optional<LocalServer> load() {
    std::string text;
    try {
        text = util::read_file(local_server_state_file());
    } catch (const NoInputError&) {
        return std::nullopt;
    }
    try {
        Json j = wire::from_json(text);
        LocalServer s;
        s.pid = j.at("pid").get<pid_t>();
        s.port = j.at("port").get<int>();
        s.url = j.at("url").get<std::string>();
        s.data_dir = j.value("data_dir", "");
        s.log_file = j.value("log_file", "");
        s.started_at = j.value("started_at", "");
        s.start_time = j.value("start_time", 0ULL);
        s.cmdline = j.value("cmdline", "");
        s.cluster_name = j.value("cluster", "");
        for (auto& n : j.value("nodes", Json::array())) {
            LocalNode node;
            node.name = n.at("name").get<std::string>();
            node.pid = n.at("pid").get<pid_t>();
            node.port = n.at("port").get<int>();
            node.cluster_port = n.value("cluster_port", 0);
            node.data_dir = n.value("data_dir", "");
            node.log_file = n.value("log_file", "");
            node.started_at = n.value("started_at", "");
            node.start_time = n.value("start_time", 0ULL);
            node.cmdline = n.value("cmdline", "");
            s.nodes.push_back(std::move(node));
        }
        return s;
    } catch (const std::exception&) {
        return std::nullopt;  // a corrupt state file is treated as no server
    }
}

// The pid may have been reused since: only a nats-server counts as ours.
bool ours(pid_t pid) { return util::alive(pid) && util::process_name(pid) == "nats-server"; }

bool proven_ours(pid_t pid, unsigned long long start_time, const std::string& cmdline, int port,
                 const std::string& server_name) {
    if (pid <= 0 || !ours(pid)) return false;
    std::string now = util::process_cmdline(pid);
    if (start_time != 0) return util::process_start_time(pid) == start_time && now == cmdline;
    std::string args = now + " ";
    return args.find(" -p " + std::to_string(port) + " ") != std::string::npos &&
           args.find(" --server_name " + server_name + " ") != std::string::npos;
}

void record_identity(pid_t pid, unsigned long long& start_time, std::string& cmdline) {
    start_time = util::process_start_time(pid);
    cmdline = util::process_cmdline(pid);
}

void warn_not_ours(pid_t pid) {
    log::warn("pid {} ({}) is not the one 'aegis up' started: left alone", pid,
              util::process_name(pid));
}

void port_must_be_free(int port) {
    if (!util::port_open("127.0.0.1", port, std::chrono::milliseconds(300))) return;
    bool nats = util::probe_nats("127.0.0.1", port);
    throw UnavailableError(
        "port " + std::to_string(port) + " is already in use" +
            (nats ? " by another NATS server" : ""),
        nats ? "use it with --server nats://127.0.0.1:" + std::to_string(port)
             : "choose another with 'aegis up --port N'");
}

// Polls until `port` answers like a NATS server; stops `pid` and throws when it does not.
void wait_ready(pid_t pid, int port, const std::string& log_file) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!util::probe_nats("127.0.0.1", port, std::chrono::milliseconds(200))) {
        if (!util::alive(pid)) throw UnavailableError("nats-server exited at start", "see " + log_file);
        if (std::chrono::steady_clock::now() > deadline) {
            util::terminate(pid);
            throw UnavailableError("nats-server did not become ready in 10 s", "see " + log_file);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string nats_server_exe() {
    std::string exe = util::find_in_path("nats-server");
    if (exe.empty())
        throw UnavailableError("nats-server is not installed",
                               "install it with 'sudo apt-get install nats-server'");
    return exe;
}

}  // namespace local_detail

using namespace local_detail;

namespace {

LocalServer start_server(const UpOptions& o, bool* started) {
    std::string exe = nats_server_exe();
    port_must_be_free(o.port);
    LocalServer s;
    s.port = o.port;
    s.url = "nats://127.0.0.1:" + std::to_string(o.port);
    s.data_dir = o.data_dir.empty() ? util::state_dir() + "/jetstream" : o.data_dir;
    s.log_file = util::state_dir() + "/nats-server.log";
    util::make_dirs(s.data_dir);
    util::SpawnOptions so;
    so.argv = {exe, "-a", "127.0.0.1", "-p", std::to_string(o.port), "-js", "-sd", s.data_dir,
               "--server_name", "aegis-local"};
    so.stdout_path = s.log_file;
    so.stderr_path = "=stdout";
    so.new_session = true;
    so.daemon = true;  // runs on after 'aegis up' returns
    s.pid = util::spawn(so);
    wait_ready(s.pid, o.port, s.log_file);
    s.started_at = wire::rfc3339_ms(std::chrono::system_clock::now());
    record_identity(s.pid, s.start_time, s.cmdline);
    s.running = true;
    save(s);
    if (started) *started = true;
    return s;
}

}  // namespace

namespace {

bool is_ours(const LocalServer& s) {
    return proven_ours(s.pid, s.start_time, s.cmdline, s.port, k_local_cluster_name);
}
bool is_ours(const LocalNode& n) {
    return proven_ours(n.pid, n.start_time, n.cmdline, n.port, n.name);
}

}  // namespace

std::optional<LocalServer> local_server_status() {
    auto s = load();
    if (!s) return s;
    if (!s->clustered()) {
        s->running = is_ours(*s) && util::probe_nats("127.0.0.1", s->port);
        return s;
    }
    for (auto& n : s->nodes) n.running = is_ours(n) && util::probe_nats("127.0.0.1", n.port);
    s->running = s->nodes_running() > 0;
    return s;
}

LocalServer local_server_up(const UpOptions& o, bool* started) {
    if (started) *started = false;
    if (auto s = local_server_status(); s && s->running) {
        int want = o.cluster >= 3 ? o.cluster : 0;
        int have = static_cast<int>(s->nodes.size());
        if (want != 0 && want != have)
            throw UsageError("a local " + (have ? std::to_string(have) + "-node cluster"
                                                : std::string("nats-server")) +
                                 " is already running",
                             "'aegis down' first to start a " + std::to_string(want) +
                                 "-node cluster");
        if (!o.port_given || o.port == s->port || o.port == 0) {
            if (s->clustered() && s->nodes_running() < have) return restart_nodes(*s, started);
            return *s;
        }
        throw UsageError("a local nats-server is already running on port " +
                             std::to_string(s->port),
                         "'aegis down' first to move it to port " + std::to_string(o.port));
    }
    UpOptions opts = o;
    if (opts.cluster >= 3) return start_cluster(opts, started);
    if (opts.port == 0) opts.port = util::free_port();
    return start_server(opts, started);
}

bool local_server_down() {
    auto s = local_server_status();
    if (!s) return false;
    bool was_running = false;
    if (s->clustered()) {
        // Ownership is proven before any signal (a node shutting down no longer shows the
        // command line that proves it); then SIGTERM to every node of ours, and wait for each:
        // they shut down together, not one by one.
        std::vector<pid_t> ours;
        for (auto& n : s->nodes) {
            if (is_ours(n)) ours.push_back(n.pid);
            else if (util::alive(n.pid)) warn_not_ours(n.pid);
        }
        for (pid_t p : ours) ::kill(p, SIGTERM);
        for (pid_t p : ours) util::terminate(p, std::chrono::milliseconds(5000));
        was_running = !ours.empty();
    } else if (is_ours(*s)) {
        util::terminate(s->pid, std::chrono::milliseconds(5000));
        was_running = true;
    } else if (util::alive(s->pid)) {
        warn_not_ours(s->pid);
    }
    std::remove(local_server_state_file().c_str());
    return was_running;
}

}  // namespace aegis::config
