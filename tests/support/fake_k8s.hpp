#pragma once
// A fake Kubernetes for tests: the fake `kubectl` (tests/support/fake_kubectl.cpp) first on PATH,
// its state.json, a matching kubeconfig, and an environment that neutralises the developer's own
// (AEGIS_NATS_URL, XDG dirs, KUBERNETES_SERVICE_HOST ...). The real kubectl is never run.
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/nats_server.hpp"

namespace aegis::test {

using Env = std::vector<std::pair<std::string, std::string>>;

class FakeK8s {
public:
    FakeK8s();
    // A context whose cluster has namespace `ns` with the NATS service forwarding to
    // 127.0.0.1:`backend_port` (ready pods: `ready`).
    void add_nats(const std::string& context, int backend_port, int ready = 1,
                  const std::string& ns = "aegis-trader",
                  const std::string& service = "aegis-trader-nats");
    void add_context(const std::string& context, bool reachable = true,
                     const std::string& server = "https://127.0.0.1:6443");
    // A pod in `ns` standing for the test's process `pid`: `kubectl delete pod` kills it.
    void add_pod(const std::string& context, const std::string& name, pid_t pid,
                 const std::string& ns = "aegis-trader",
                 const nlohmann::json& labels = nlohmann::json::object());
    // The pods state.json still lists (a deleted pod is gone).
    std::vector<std::string> pods(const std::string& context,
                                  const std::string& ns = "aegis-trader") const;
    void set_current(const std::string& context);  // "" = not set
    void write() const;                            // state.json + kubeconfig
    nlohmann::json& state() { return m_state; }

    // PATH with the fake first, FAKE_KUBECTL_DIR, KUBECONFIG, private XDG dirs, a free local
    // port (AEGIS_LOCAL_PORT), and the developer's NATS / Kubernetes variables neutralised.
    Env env() const;
    int local_port() const { return m_local_port; }
    const std::string& dir() const { return m_dir.path(); }
    std::vector<std::string> calls() const;   // every fake kubectl invocation
    bool port_forward_called() const;
    std::vector<pid_t> forward_pids() const;  // running fake port-forwards

private:
    TempDir m_dir;
    nlohmann::json m_state;
    int m_local_port;
};

std::string fake_kubectl_dir();

}  // namespace aegis::test
