#include "tests/support/fake_k8s.hpp"

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/util/net.hpp"

namespace aegis::test {

namespace fs = std::filesystem;

std::string fake_kubectl_dir() { return FAKE_KUBECTL_DIR; }

FakeK8s::FakeK8s() : m_state({{"contexts", nlohmann::json::object()}}) {
    m_local_port = util::free_port();
    fs::create_directories(m_dir.path() + "/config");
    fs::create_directories(m_dir.path() + "/state");
    write();
}

void FakeK8s::add_context(const std::string& context, bool reachable, const std::string& server) {
    auto& c = m_state["contexts"][context];
    c["server"] = server;
    c["reachable"] = reachable;
    if (!c.contains("namespaces")) c["namespaces"] = nlohmann::json::object();
}

void FakeK8s::add_nats(const std::string& context, int backend_port, int ready,
                       const std::string& ns, const std::string& service) {
    if (!m_state["contexts"].contains(context)) add_context(context);
    m_state["contexts"][context]["namespaces"][ns]["services"][service] = {
        {"cluster_ip", "10.96.12.34"},
        {"ports", {{{"name", "nats"}, {"port", 4222}}, {{"name", "monitor"}, {"port", 8222}}}},
        {"backend_port", backend_port},
        {"ready", ready}};
}

void FakeK8s::add_pod(const std::string& context, const std::string& name, pid_t pid,
                      const std::string& ns, const nlohmann::json& labels) {
    if (!m_state["contexts"].contains(context)) add_context(context);
    m_state["contexts"][context]["namespaces"][ns]["pods"][name] = {
        {"pid", pid}, {"labels", labels}, {"phase", "Running"}};
}

std::vector<std::string> FakeK8s::pods(const std::string& context, const std::string& ns) const {
    std::ifstream in(m_dir.path() + "/state.json");
    auto st = nlohmann::json::parse(in, nullptr, false);
    std::vector<std::string> out;
    if (st.is_discarded()) return out;
    auto p = nlohmann::json::json_pointer("/contexts/" + context + "/namespaces/" + ns + "/pods");
    if (st.contains(p))
        for (auto& [name, v] : st[p].items()) out.push_back(name);
    return out;
}

void FakeK8s::set_current(const std::string& context) {
    if (context.empty()) m_state.erase("current_context");
    else m_state["current_context"] = context;
}

void FakeK8s::write() const {
    std::ofstream(m_dir.path() + "/state.json") << m_state.dump(2);
    // The kubeconfig aegis reads itself (yaml-cpp): the same contexts and current context.
    std::ostringstream y;
    y << "apiVersion: v1\nkind: Config\n";
    if (m_state.contains("current_context"))
        y << "current-context: " << m_state["current_context"].get<std::string>() << "\n";
    y << "clusters:\n";
    for (auto& [name, c] : m_state["contexts"].items())
        y << "- name: " << name << "\n  cluster:\n    server: " << c.value("server", "") << "\n";
    y << "contexts:\n";
    for (auto& [name, c] : m_state["contexts"].items())
        y << "- name: " << name << "\n  context:\n    cluster: " << name << "\n    user: " << name
          << "\n";
    y << "users:\n";
    for (auto& [name, c] : m_state["contexts"].items())
        y << "- name: " << name << "\n  user:\n    token: fake\n";
    std::ofstream(m_dir.path() + "/kubeconfig") << y.str();
}

Env FakeK8s::env() const {
    const char* path = std::getenv("PATH");
    return {{"PATH", fake_kubectl_dir() + ":" + (path ? path : "/usr/bin:/bin:/usr/sbin")},
            {"FAKE_KUBECTL_DIR", m_dir.path()},
            {"KUBECONFIG", m_dir.path() + "/kubeconfig"},
            {"XDG_CONFIG_HOME", m_dir.path() + "/config"},
            {"XDG_STATE_HOME", m_dir.path() + "/state"},
            {"AEGIS_LOCAL_PORT", std::to_string(m_local_port)},
            {"AEGIS_ENVIRONMENT", "local-k8s"},
            {"AEGIS_NATS_URL", "auto"},
            {"NATS_URL", "auto"},
            {"AEGIS_CONFIG", ""},
            {"AEGIS_CONTEXT", ""},
            {"AEGIS_KUBECTL", ""},
            {"AEGIS_NAMESPACE", ""},
            {"AEGIS_NATS_SERVICE", ""},
            {"AEGIS_KUBE_CONTEXT", ""},
            {"KUBERNETES_SERVICE_HOST", ""},
            {"NATS_CREDS", ""},
            {"NATS_NKEY", ""},
            {"NATS_TOKEN", ""},
            {"NATS_USER", ""},
            {"NATS_PASSWORD", ""},
            {"NO_COLOR", "1"}};
}

std::vector<std::string> FakeK8s::calls() const {
    std::vector<std::string> out;
    std::ifstream in(m_dir.path() + "/calls.log");
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

bool FakeK8s::port_forward_called() const {
    for (auto& c : calls())
        if (c.find("port-forward") != std::string::npos) return true;
    return false;
}

std::vector<pid_t> FakeK8s::forward_pids() const {
    std::vector<pid_t> out;
    for (auto& e : fs::directory_iterator(m_dir.path())) {
        std::string name = e.path().filename().string();
        if (name.rfind("pf-", 0) != 0) continue;
        pid_t pid = std::stoi(name.substr(3));
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');
        bool zombie =
            close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
        if (kill(pid, 0) == 0 && !zombie) out.push_back(pid);
    }
    return out;
}

}  // namespace aegis::test
