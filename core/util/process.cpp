#include "core/util/process.hpp"
#include <optional>
#include <chrono>
#include <vector>
#include <string>

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "core/util/child_groups.hpp"
#include "core/util/error.hpp"

namespace aegis::util {

std::string process_name(pid_t pid) {
    FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/comm").c_str(), "r");
    if (!f) return {};
    char buf[64] = {0};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    std::string out(buf, n);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

namespace {

// /proc/PID/stat from its third field on (the state, then the others): what follows the
// command name, which may hold spaces and parentheses. Empty when there is no such process.
std::string stat_after_name(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = stat.rfind(')');
    return close == std::string::npos ? std::string() : stat.substr(close + 1);
}

}  // namespace

unsigned long long process_start_time(pid_t pid) {
    std::istringstream fields(stat_after_name(pid));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
    return 0;
}

std::string process_cmdline(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && text.back() == '\0') text.pop_back();
    for (char& c : text)
        if (c == '\0') c = ' ';
    return text;
}

std::string find_in_path(const std::string& program) {
    if (program.find('/') != std::string::npos)
        return access(program.c_str(), X_OK) == 0 ? program : std::string();
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find(':', start);
        if (end == std::string::npos) end = p.size();
        std::string dir = p.substr(start, end - start);
        if (dir.empty()) dir = ".";
        std::string full = dir + "/" + program;
        struct stat st {};
        if (stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(full.c_str(), X_OK) == 0)
            return full;
        start = end + 1;
    }
    return {};
}

namespace {

void redirect(const std::string& path, int fd) {
    int f = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (f < 0) _exit(126);
    dup2(f, fd);
    close(f);
}

}  // namespace

namespace {

// Everything between fork and exec. Only async-signal-safe calls.
[[noreturn]] void exec_child(const SpawnOptions& o, const std::string& exe, char** args,
                             pid_t parent, int out_pipe, int err_pipe) {
    // A group of its own (a session is one too): stopping it stops what it starts.
    if (o.new_session) setsid();
    else setpgid(0, 0);
    if (o.die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
    }
    // The child must not inherit our signal dispositions (SIGPIPE ignored, handlers).
    signal(SIGPIPE, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    if (out_pipe >= 0) {
        dup2(out_pipe, 1);
        dup2(err_pipe >= 0 ? err_pipe : out_pipe, 2);
    } else {
        if (!o.stdout_path.empty()) redirect(o.stdout_path, 1);
        if (o.stderr_path == "=stdout") dup2(1, 2);
        else if (!o.stderr_path.empty()) redirect(o.stderr_path, 2);
    }
    // Our sockets (NATS connections, listeners) must not stay open in the child.
    syscall(SYS_close_range, 3U, ~0U, 0U);
    for (auto& [k, v] : o.env) setenv(k.c_str(), v.c_str(), 1);
    execv(exe.c_str(), args);
    _exit(127);
}

pid_t fork_exec(const SpawnOptions& o, int out_pipe, int err_pipe) {
    if (o.argv.empty()) throw UsageError("spawn: empty command");
    std::string exe = find_in_path(o.argv[0]);
    if (exe.empty()) throw NoInputError("'" + o.argv[0] + "' not found in PATH");
    std::vector<char*> args;
    for (auto& a : o.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) throw IoError(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) exec_child(o, exe, args.data(), parent, out_pipe, err_pipe);
    adopt_group(pid, !o.daemon);
    return pid;
}

}  // namespace

pid_t spawn(const SpawnOptions& o) { return fork_exec(o, -1, -1); }

pid_t spawn_piped(const SpawnOptions& o, int* out_fd) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        throw IoError(std::string("pipe failed: ") + std::strerror(errno));
    pid_t pid = 0;
    try {
        pid = fork_exec(o, p[1], -1);
    } catch (...) {
        close(p[0]);
        close(p[1]);
        throw;
    }
    close(p[1]);
    *out_fd = p[0];
    return pid;
}

namespace {

// Reads both pipes until they close or the deadline passes.
bool drain_pipes(int out_fd, int err_fd, RunResult& r,
                 std::chrono::steady_clock::time_point deadline) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_fds = 2;
    char buf[16384];
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        if (poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 100))) < 0 &&
            errno != EINTR)
            return true;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    return true;
}

}  // namespace

RunResult run_capture(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::pair<std::string, std::string>>& env) {
    RunResult r;
    if (argv.empty() || find_in_path(argv[0]).empty()) {
        r.not_found = true;
        r.exit_code = 127;
        return r;
    }
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) throw IoError("pipe failed");
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        throw IoError("pipe failed");
    }
    SpawnOptions o;
    o.argv = argv;
    o.env = env;
    pid_t pid = -1;
    try {
        pid = fork_exec(o, out[1], err[1]);
    } catch (...) {
        for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
        throw;
    }
    close(out[1]);
    close(err[1]);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!drain_pipes(out[0], err[0], r, deadline)) {
        r.timed_out = true;
        signal_group(pid, SIGKILL);
    }
    close(out[0]);
    close(err[0]);
    auto status = wait_exit(pid, r.timed_out ? std::chrono::milliseconds(5000) : timeout);
    if (!status) {
        signal_group(pid, SIGKILL);
        r.timed_out = true;
        status = wait_exit(pid, std::chrono::milliseconds(5000));
    }
    stop_group(pid, std::chrono::milliseconds(1000));  // anything it left running in the background
    r.exit_code = status.value_or(137);
    return r;
}

namespace {

// A process that has exited but not yet been reaped by its parent (for an orphan that is
// init, which may take its time): it runs nothing any more.
bool zombie(pid_t pid) {
    std::istringstream fields(stat_after_name(pid));
    std::string state;
    return fields >> state && state == "Z";
}

// Not our child: does the process still exist and run?
bool other_alive(pid_t pid) {
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    return !zombie(pid);
}

}  // namespace

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return false;  // our child, just exited (reaped)
    if (r == 0) return true;     // our child, running
    return other_alive(pid);     // not our child
}

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return 0;
        }
        if (r < 0) {
            // Not our child (or already reaped): poll until it is gone or a zombie.
            if (!other_alive(pid)) return 0;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

int terminate(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) return 0;
    auto deadline = std::chrono::steady_clock::now() + grace;
    signal_group(pid, SIGTERM);
    auto status = wait_exit(pid, grace);
    if (!status) {
        signal_group(pid, SIGKILL);
        status = wait_exit(pid, std::chrono::milliseconds(5000));
    }
    // The rest of the group had the same SIGTERM; what still runs when the grace is over is
    // killed.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    stop_group(pid, std::max(left, std::chrono::milliseconds(100)));
    return status.value_or(137);
}

}  // namespace aegis::util
