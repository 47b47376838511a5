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
    bool new_session = false;  // a session of its own (kubectl, daemons)
    // Meant to outlive us ('aegis up' servers). Every other child leads a process group of its
    // own that is stopped with it, and stopped when aegis ends, even by SIGKILL (child_groups).
    bool daemon = false;
    // PR_SET_PDEATHSIG(SIGTERM): the child is told to stop when the *thread* that spawned it
    // exits, so a helper (kubectl port-forward) never outlives a crashed parent. Spawn such
    // children from a thread that lives as long as they should.
    bool die_with_parent = false;
    std::vector<std::pair<std::string, std::string>> env;  // added to the environment
};

// Starts the program (looked up in PATH). Throws IoError / NoInputError when it cannot.
// Descriptors other than 0-2 are closed in the child (it must not hold our sockets).
pid_t spawn(const SpawnOptions& options);
// As spawn(), with the child's stdout and stderr on one pipe whose read end (close-on-exec) goes
// to *out_fd; stdout_path / stderr_path are ignored.
pid_t spawn_piped(const SpawnOptions& options, int* out_fd);

struct RunResult {
    int exit_code = -1;  // 128+signal when killed
    std::string out;
    std::string err;
    bool timed_out = false;  // killed after the timeout
    bool not_found = false;  // the program is not in PATH
};
// Runs a program to completion, capturing stdout and stderr; SIGKILLed after `timeout`.
RunResult run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::pair<std::string, std::string>>& env = {});
bool alive(pid_t pid);
// Waits up to `timeout` for the child to exit; its exit status (128+signal when killed) or
// nullopt when still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);
// SIGTERM, wait up to `grace`, then SIGKILL; returns the exit status. A child of spawn() is
// stopped with its whole process group (what it started itself, a shell's background jobs).
int terminate(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(3000));
// The process's command name (/proc/<pid>/comm), empty when unknown.
std::string process_name(pid_t pid);
// When the process started (/proc/<pid>/stat field 22, clock ticks since boot): with the pid it
// names one process for good, since a reused pid gets a new start time. 0 when unknown.
unsigned long long process_start_time(pid_t pid);
// The process's arguments joined by single spaces (/proc/<pid>/cmdline), empty when unknown.
std::string process_cmdline(pid_t pid);
// Full path of `program` found in PATH, or empty.
std::string find_in_path(const std::string& program);

}  // namespace aegis::util
