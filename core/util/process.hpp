#pragma once
// Child processes: spawn with redirected output, signal, wait with a timeout. POSIX only.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace aegis::util {

struct SpawnOptions {
    std::vector<std::string> argv;
    std::string stdout_path;  // empty: inherit
    std::string stderr_path;  // empty: inherit; "=stdout" to merge
    bool new_session = false;  // detach from our process group (daemons)
    std::vector<std::pair<std::string, std::string>> env;  // added to the environment
};

// Starts the program (looked up in PATH). Throws IoError / NoInputError when it cannot.
pid_t spawn(const SpawnOptions& options);
bool alive(pid_t pid);
// Waits up to `timeout` for the child to exit; its exit status (128+signal when killed) or
// nullopt when still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);
// SIGTERM, wait up to `grace`, then SIGKILL; returns the exit status.
int terminate(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
// The process's command name (/proc/<pid>/comm), empty when unknown.
std::string process_name(pid_t pid);
// Full path of `program` found in PATH, or empty.
std::string find_in_path(const std::string& program);

}  // namespace aegis::util
