#include "core/k8s/port_forward.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <set>

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/process.hpp"

namespace aegis::k8s {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Every live forward, so an exit() that skips destructors still stops kubectl.
struct LiveSet {
    std::mutex mutex;
    std::set<pid_t*> pids;  // points at each PortForward's m_pid (read under `mutex`)
    std::atomic<bool> exiting{false};
};

LiveSet& live() {
    static auto* set = new LiveSet();  // never destroyed: used from atexit
    return *set;
}

void kill_all_at_exit() {
    auto& l = live();
    l.exiting = true;
    std::lock_guard<std::mutex> g(l.mutex);
    for (pid_t* p : l.pids)
        if (*p > 0) kill(*p, SIGTERM);
}

void register_exit_handler() {
    static std::once_flag once;
    std::call_once(once, [] { std::atexit(kill_all_at_exit); });
}

// Waits for the child without reaping it, so its pid cannot be reused while stop() may signal.
bool exited(pid_t pid) {
    siginfo_t info{};
    return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid;
}

}  // namespace

PortForward::PortForward(PortForwardSpec spec) : m_spec(std::move(spec)) {
    register_exit_handler();
}

std::shared_ptr<PortForward> PortForward::start(const PortForwardSpec& spec) {
    std::shared_ptr<PortForward> pf(new PortForward(spec));
    {
        std::lock_guard<std::mutex> g(live().mutex);
        live().pids.insert(&pf->m_pid);
    }
    // kubectl is spawned from this thread: PR_SET_PDEATHSIG follows the spawning thread.
    pf->m_thread = std::thread([raw = pf.get()] { raw->supervise(); });
    std::unique_lock<std::mutex> lock(pf->m_mutex);
    pf->m_cv.wait(lock, [&] { return pf->m_ready || pf->m_given_up; });
    if (pf->m_ready) return pf;
    std::string err = pf->m_last_error;
    lock.unlock();
    pf->stop();
    throw UnavailableError("'" + pf->command_line() + "' failed: " + err,
                           port_forward_fix(spec, err));
}

PortForward::~PortForward() {
    stop();
    std::lock_guard<std::mutex> g(live().mutex);
    live().pids.erase(&m_pid);
}

std::vector<std::string> port_forward_argv(const PortForwardSpec& s) {
    std::vector<std::string> a{s.kubectl};
    if (!s.context.empty()) a.insert(a.end(), {"--context", s.context});
    a.insert(a.end(), {"port-forward", "-n", s.namespace_name, "svc/" + s.service,
                       std::to_string(s.local_port) + ":" + std::to_string(s.remote_port)});
    return a;
}

std::string port_forward_command(const PortForwardSpec& s) {
    std::string out;
    for (auto& a : port_forward_argv(s)) out += (out.empty() ? "" : " ") + a;
    return out;
}

std::vector<std::string> PortForward::argv() const { return port_forward_argv(m_spec); }

std::string PortForward::command_line() const { return port_forward_command(m_spec); }

std::string PortForward::url() const {
    return "nats://127.0.0.1:" + std::to_string(m_spec.local_port);
}

void PortForward::stop() {
    {
        std::lock_guard<std::mutex> g(m_mutex);
        m_stopping = true;
        if (m_pid > 0) kill(m_pid, SIGTERM);  // not yet reaped: the pid is still ours
        m_cv.notify_all();
    }
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id()) m_thread.join();
}

bool PortForward::ready() const {
    std::lock_guard<std::mutex> g(m_mutex);
    return m_ready;
}

pid_t PortForward::pid() const {
    std::lock_guard<std::mutex> g(m_mutex);
    return m_pid;
}

int PortForward::restarts() const {
    std::lock_guard<std::mutex> g(m_mutex);
    return m_restarts;
}

std::string PortForward::last_error() const {
    std::lock_guard<std::mutex> g(m_mutex);
    return m_last_error;
}

bool PortForward::wait_ready(milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(m_mutex);
    return m_cv.wait_for(lock, timeout, [&] { return m_ready || m_stopping; }) && m_ready;
}

void PortForward::handle_line(const std::string& line) {
    if (line.rfind("Forwarding from", 0) == 0) {
        std::lock_guard<std::mutex> g(m_mutex);
        if (!m_ready) {
            m_ready = true;
            m_ever_ready = true;
            m_ready_since = Clock::now();
            m_cv.notify_all();
            log::debug("port-forward ready: {}", line);
        }
        return;
    }
    if (line.rfind("Handling connection", 0) == 0) {
        log::trace("kubectl: {}", line);
        return;
    }
    log::debug("kubectl: {}", line);
    std::lock_guard<std::mutex> g(m_mutex);
    m_last_error = line;
}

// Reads kubectl's output line by line until it closes its end (it exited), killing it when it
// does not say "Forwarding from" in time.
void PortForward::read_output(int fd, pid_t pid) {
    auto deadline = Clock::now() + m_spec.ready_timeout;
    std::string buf;
    char chunk[4096];
    for (bool open = true; open;) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n <= 0) open = false;
            else buf.append(chunk, static_cast<size_t>(n));
            for (size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1))
                handle_line(buf.substr(0, nl));
        }
        if (!ready() && Clock::now() > deadline) {
            std::lock_guard<std::mutex> g(m_mutex);
            m_last_error = "no 'Forwarding from' line within " +
                           std::to_string(m_spec.ready_timeout.count() / 1000) + " s";
            kill(pid, SIGKILL);
            deadline = Clock::time_point::max();
        }
    }
    if (!buf.empty()) handle_line(buf);
}

void PortForward::run_once() {
    util::SpawnOptions so;
    so.argv = argv();
    so.new_session = true;
    so.die_with_parent = true;
    int fd = -1;
    pid_t pid = 0;
    try {
        pid = util::spawn_piped(so, &fd);
    } catch (const Error& e) {
        std::lock_guard<std::mutex> g(m_mutex);
        m_last_error = e.what();
        return;
    }
    {
        std::lock_guard<std::mutex> g(m_mutex);
        m_pid = pid;
        if (m_stopping) kill(pid, SIGTERM);
    }
    read_output(fd, pid);
    close(fd);
    // The pipe closed: kubectl is exiting. Wait (without reaping) for it to finish.
    for (int i = 0; i < 250 && !exited(pid); ++i) std::this_thread::sleep_for(milliseconds(20));
    if (!exited(pid)) kill(pid, SIGKILL);
    std::lock_guard<std::mutex> g(m_mutex);
    m_pid = 0;  // reaped under the lock: stop() never signals a reused pid
    m_ready = false;
    waitpid(pid, nullptr, 0);
}

void PortForward::supervise() {
    milliseconds backoff = m_spec.backoff_initial;
    int failures = 0;
    for (;;) {
        run_once();
        std::unique_lock<std::mutex> lock(m_mutex);
        if (m_stopping || live().exiting) break;
        if (!m_ever_ready) {
            if (++failures >= m_spec.start_attempts) {
                m_given_up = true;
                m_cv.notify_all();
                break;
            }
        } else {
            // A forward that ran for a while starts its backoff afresh.
            if (Clock::now() - m_ready_since > std::chrono::seconds(30))
                backoff = m_spec.backoff_initial;
            ++m_restarts;
            log::warn("kubectl port-forward to svc/{} exited ({}); restarting in {} ms",
                      m_spec.service, m_last_error.empty() ? "no message" : m_last_error,
                      backoff.count());
        }
        m_cv.wait_for(lock, backoff, [&] { return m_stopping; });
        if (m_stopping) break;
        backoff = std::min(backoff * 2, m_spec.backoff_max);
    }
    std::lock_guard<std::mutex> g(m_mutex);
    m_cv.notify_all();
}

std::string port_forward_fix(const PortForwardSpec& s, const std::string& err) {
    std::string pods = "check the NATS pods: kubectl get pods -n " + s.namespace_name;
    if (err.find("unable to listen") != std::string::npos ||
        err.find("address already in use") != std::string::npos)
        return "port " + std::to_string(s.local_port) +
               " is taken: set k8s.local_port (AEGIS_LOCAL_PORT) to a free port";
    if (err.find("not found") != std::string::npos)
        return "check the service: kubectl get svc -n " + s.namespace_name + " " + s.service;
    if (err.find("pod") != std::string::npos || err.find("endpoints") != std::string::npos)
        return pods;
    return pods + "; run the command yourself to see kubectl's full output";
}

}  // namespace aegis::k8s
