#pragma once
// The local development nats-server that `aegis up` starts: JetStream on, loopback only, in the
// background, its state in $XDG_STATE_HOME/aegis/nats-server.json.
#include <sys/types.h>

#include <optional>
#include <string>

namespace aegis::config {

struct LocalServer {
    pid_t pid = 0;
    int port = 4222;
    std::string url;       // nats://127.0.0.1:<port>
    std::string data_dir;  // JetStream store
    std::string log_file;
    std::string started_at;  // RFC 3339
    // What proves the pid is still the process 'aegis up' started (pids are reused): its start
    // time (/proc/<pid>/stat) and command line, as recorded right after the start.
    unsigned long long start_time = 0;
    std::string cmdline;
    bool running = false;    // filled by local_server_status()
};

struct UpOptions {
    int port = 4222;
    std::string data_dir;  // default <state dir>/jetstream
};

// Starts the server unless ours is already running (then returns it, `started` false).
// Throws UnavailableError when nats-server is missing (naming the package) or the port is taken.
LocalServer local_server_up(const UpOptions& options, bool* started = nullptr);
// The recorded server, with `running` checked; nullopt when none was recorded.
std::optional<LocalServer> local_server_status();
// Stops the recorded server (SIGTERM, then SIGKILL) when the pid is still provably ours; false
// when none was running. A pid that now belongs to another process is left alone (a warning).
bool local_server_down();
std::string local_server_state_file();

}  // namespace aegis::config
