#include "core/util/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

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

pid_t spawn(const SpawnOptions& o) {
    if (o.argv.empty()) throw UsageError("spawn: empty command");
    std::string exe = find_in_path(o.argv[0]);
    if (exe.empty()) throw NoInputError("'" + o.argv[0] + "' not found in PATH");
    std::vector<char*> args;
    for (auto& a : o.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw IoError(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        if (o.new_session) setsid();
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
        if (!o.stdout_path.empty()) redirect(o.stdout_path, 1);
        if (o.stderr_path == "=stdout") dup2(1, 2);
        else if (!o.stderr_path.empty()) redirect(o.stderr_path, 2);
        for (auto& [k, v] : o.env) setenv(k.c_str(), v.c_str(), 1);
        execv(exe.c_str(), args.data());
        _exit(127);
    }
    return pid;
}

bool alive(pid_t pid) {
    if (pid <= 0) return false;
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return false;           // our child, just exited (reaped)
    if (r == 0) return true;              // our child, running
    return kill(pid, 0) == 0 || errno == EPERM;  // not our child
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
            // Not our child (or already reaped): poll for its disappearance.
            if (kill(pid, 0) != 0 && errno == ESRCH) return 0;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

int terminate(pid_t pid, std::chrono::milliseconds grace) {
    if (pid <= 0) return 0;
    kill(pid, SIGTERM);
    if (auto s = wait_exit(pid, grace)) return *s;
    kill(pid, SIGKILL);
    return wait_exit(pid, std::chrono::milliseconds(5000)).value_or(137);
}

}  // namespace aegis::util
