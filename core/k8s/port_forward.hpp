#pragma once
// A supervised `kubectl port-forward -n NS svc/NAME LOCAL:REMOTE`. Ready when kubectl prints
// its "Forwarding from" line; restarted with backoff whenever kubectl exits (a NATS pod restart
// ends it) for as long as the object lives; stopped (never orphaned) when it is destroyed, when
// the process exits (atexit) and — via PR_SET_PDEATHSIG — when the process crashes. kubectl runs
// in its own session, so a Ctrl-C in the terminal reaches only us, and we stop it after our own
// clean shutdown (which may still need NATS). Own it from the NATS connection
// (Connection::keep_alive) so it lives exactly as long as the connection that uses it.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aegis::k8s {

struct PortForwardSpec {
    std::string kubectl = "kubectl";
    std::string context;  // pinned: a later `use-context` does not move a running forward
    std::string namespace_name;
    std::string service;
    int local_port = 4222;
    int remote_port = 4222;
    std::chrono::milliseconds ready_timeout{15000};  // per attempt, for "Forwarding from"
    int start_attempts = 3;                          // before start() gives up
    std::chrono::milliseconds backoff_initial{250};
    std::chrono::milliseconds backoff_max{5000};
};

class PortForward {
public:
    // Starts kubectl and waits until it forwards; UnavailableError with kubectl's own error and
    // a fix after `start_attempts` failures.
    static std::shared_ptr<PortForward> start(const PortForwardSpec& spec);
    ~PortForward();
    PortForward(const PortForward&) = delete;
    PortForward& operator=(const PortForward&) = delete;

    void stop();
    int local_port() const { return m_spec.local_port; }
    std::string url() const;  // nats://127.0.0.1:<local port>
    std::vector<std::string> argv() const;
    std::string command_line() const;  // "kubectl port-forward ..." for messages
    bool ready() const;
    pid_t pid() const;     // the running kubectl, 0 between restarts
    int restarts() const;  // times kubectl was started again after it had been forwarding
    std::string last_error() const;
    // Waits until kubectl forwards (again); false on timeout.
    bool wait_ready(std::chrono::milliseconds timeout) const;

private:
    explicit PortForward(PortForwardSpec spec);
    void supervise();
    void run_once();
    void read_output(int fd, pid_t pid);
    void handle_line(const std::string& line);

    PortForwardSpec m_spec;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_cv;
    bool m_stopping = false;
    bool m_ready = false;
    bool m_ever_ready = false;
    bool m_given_up = false;
    pid_t m_pid = 0;
    int m_restarts = 0;
    std::string m_last_error;
    std::chrono::steady_clock::time_point m_ready_since;
    std::thread m_thread;
};

// The kubectl command line a forward runs.
std::vector<std::string> port_forward_argv(const PortForwardSpec& spec);
std::string port_forward_command(const PortForwardSpec& spec);

// Why a forward failed, as a fix a user can act on.
std::string port_forward_fix(const PortForwardSpec& spec, const std::string& kubectl_error);

}  // namespace aegis::k8s
