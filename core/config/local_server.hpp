#pragma once
// The local development nats-server that `aegis up` starts: JetStream on, loopback only, in the
// background, its state in $XDG_STATE_HOME/aegis/nats-server.json.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace aegis::config {

// One node of a local cluster (`aegis up --cluster N`).
struct LocalNode {
    std::string name;  // server name: aegis-local-1, ...
    pid_t pid = 0;
    int port = 0;          // client port
    int cluster_port = 0;  // route listener
    std::string data_dir;  // its own JetStream store
    std::string log_file;
    std::string started_at;  // RFC 3339
    // What proves the pid is still the process 'aegis up' started (pids are reused): its start
    // time (/proc/<pid>/stat) and command line, as recorded right after the start.
    unsigned long long start_time = 0;
    std::string cmdline;
    bool running = false;    // filled by local_server_status()
};

struct LocalServer {
    pid_t pid = 0;
    int port = 4222;
    std::string url;       // nats://127.0.0.1:<port> (a cluster: every node's, comma separated)
    std::string data_dir;  // JetStream store
    std::string log_file;
    std::string started_at;  // RFC 3339
    unsigned long long start_time = 0;  // as LocalNode's: what proves the pid is still ours
    std::string cmdline;
    bool running = false;    // filled by local_server_status(); a cluster: any node runs
    // A cluster: its name and nodes (pid / port above are the first node's). Empty: one server.
    std::string cluster_name;
    std::vector<LocalNode> nodes;
    bool clustered() const { return !nodes.empty(); }
    int nodes_running() const;
};

struct UpOptions {
    int port = 4222;       // a cluster: the first node's client port, the others follow
    std::string data_dir;  // default <state dir>/jetstream (a cluster: <state dir>/cluster)
    int cluster = 0;       // 0: one server; N >= 3: a JetStream cluster of N nodes
    bool port_given = true;  // false: the default port, so a server running elsewhere will do
};

inline constexpr const char* k_local_cluster_name = "aegis-local";

// Starts the server unless ours is already running (then returns it, `started` false).
// Throws UnavailableError when nats-server is missing (naming the package) or the port is taken.
LocalServer local_server_up(const UpOptions& options, bool* started = nullptr);
// The recorded server, with `running` checked; nullopt when none was recorded.
std::optional<LocalServer> local_server_status();
// Stops the recorded server, every node of a cluster (SIGTERM, then SIGKILL), each only when its
// pid is still provably ours (a pid that now belongs to another process is left alone, with a
// warning); false when none was running.
bool local_server_down();
std::string local_server_state_file();

}  // namespace aegis::config
