#include "tests/support/run_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/util/process.hpp"

namespace aegis::test {

namespace {

std::vector<char*> to_argv(std::vector<std::string>& args) {
    std::vector<char*> v;
    for (auto& a : args) v.push_back(a.data());
    v.push_back(nullptr);
    return v;
}

}  // namespace

ProcessResult run_aegis(const std::vector<std::string>& args,
                        const std::vector<std::pair<std::string, std::string>>& env,
                        const std::string& input, std::chrono::milliseconds timeout) {
    std::vector<std::string> full{aegis_binary()};
    full.insert(full.end(), args.begin(), args.end());
    return run_program(full, env, input, timeout);
}

bool on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string file = dirs.substr(start, end - start) + "/" + name;
        if (end > start && access(file.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::vector<std::vector<std::string>> aegis_commands() {
    auto r = run_aegis({"help", "--commands"});
    if (r.exit_code != 0) throw std::runtime_error("aegis help --commands failed: " + r.err);
    std::vector<std::vector<std::string>> out;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> path;
        for (std::string w; words >> w;) path.push_back(w);
        if (!path.empty()) out.push_back(std::move(path));
    }
    return out;
}

ProcessResult run_program(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env,
                          const std::string& input, std::chrono::milliseconds timeout) {
    int out[2], err[2], in[2];
    if (pipe(out) || pipe(err) || pipe(in)) throw std::runtime_error("pipe failed");
    std::vector<std::string> full = argv;
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);  // a crashed test run must not leave it behind
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {out[0], out[1], err[0], err[1], in[0], in[1]}) close(fd);
        for (auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        auto args = to_argv(full);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    close(in[0]);
    if (!input.empty()) {
        ssize_t w = write(in[1], input.data(), input.size());
        (void)w;
    }
    close(in[1]);
    ProcessResult r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        auto left = timeout - (std::chrono::steady_clock::now() - t0);
        if (left <= std::chrono::milliseconds(0)) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, 100) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    r.exit_code = util::wait_exit(pid, std::chrono::seconds(10)).value_or(-1);
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    return r;
}

namespace {

// Reads what is there on `fd` (non-blocking poll of up to `ms`) into `into`; false at EOF.
bool read_some(int fd, std::string& into, int ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    into.append(buf, static_cast<size_t>(n));
    return true;
}

}  // namespace

HeadResult run_aegis_head1(const std::vector<std::string>& args,
                           std::chrono::milliseconds first_line,
                           std::chrono::milliseconds exit_within) {
    int out[2], err[2];
    if (pipe(out) || pipe(err)) throw std::runtime_error("pipe failed");
    std::vector<std::string> full{aegis_binary()};
    full.insert(full.end(), args.begin(), args.end());
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
        auto argv = to_argv(full);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    HeadResult r;
    bool err_open = true;
    auto until = std::chrono::steady_clock::now() + first_line;
    while (r.first.find('\n') == std::string::npos && std::chrono::steady_clock::now() < until) {
        if (!read_some(out[0], r.first, 20)) break;
        if (err_open) err_open = read_some(err[0], r.err, 0);
    }
    r.got_line = r.first.find('\n') != std::string::npos;
    close(out[0]);  // `head -1` has what it wanted and exits
    until = std::chrono::steady_clock::now() + exit_within;
    while (err_open && std::chrono::steady_clock::now() < until) err_open = read_some(err[0], r.err, 20);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    auto status = util::wait_exit(pid, std::max(left, std::chrono::milliseconds(1)));
    r.exited = status.has_value();
    if (!status) {
        kill(pid, SIGKILL);
        util::wait_exit(pid, std::chrono::seconds(5));
    }
    close(err[0]);
    r.exit_code = status.value_or(-1);
    return r;
}

Background::Background(const std::vector<std::string>& args,
                       const std::vector<std::pair<std::string, std::string>>& env) {
    char tmpl[] = "/tmp/aegis-bg-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    close(fd);
    m_log = tmpl;
    util::SpawnOptions so;
    so.argv = {aegis_binary()};
    so.argv.insert(so.argv.end(), args.begin(), args.end());
    so.stdout_path = m_log;
    so.stderr_path = "=stdout";
    so.env = env;
    so.die_with_parent = true;  // a crashed test run must not leave services behind
    m_pid = util::spawn(so);
}

Background::~Background() {
    if (m_pid > 0 && m_exit < 0) stop(SIGKILL, std::chrono::seconds(2));
    unlink(m_log.c_str());
}

std::string Background::output() const {
    std::ifstream in(m_log);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool Background::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (output().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (output().find(text) != std::string::npos) return true;
    // What the process said, and where its threads are, so that a rare stall can be diagnosed
    // from a CI log.
    std::fprintf(stderr, "[test] '%s' not seen within %lld ms from pid %d (%s); its output:\n%s\n",
                 text.c_str(), static_cast<long long>(timeout.count()), static_cast<int>(m_pid),
                 util::alive(m_pid) ? "running" : "exited", output().c_str());
    std::string stacks = "/proc/" + std::to_string(m_pid) + "/task";
    std::fprintf(stderr, "[test] threads: %s\n", run_program({"sh", "-c", "for t in " + stacks +
                 "/*; do cat $t/comm $t/wchan 2>/dev/null; echo; done | paste -sd' '"}).out.c_str());
    return false;
}

int Background::stop(int signal, std::chrono::milliseconds grace) {
    if (m_exit >= 0) return m_exit;
    kill(m_pid, signal);
    auto s = util::wait_exit(m_pid, grace);
    if (!s) {
        kill(m_pid, SIGKILL);
        s = util::wait_exit(m_pid, std::chrono::seconds(5));
    }
    m_exit = s.value_or(-1);
    return m_exit;
}

bool Background::running() const { return m_exit < 0 && util::alive(m_pid); }

}  // namespace aegis::test
