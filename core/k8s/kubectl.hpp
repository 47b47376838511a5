#pragma once
// Running kubectl: one-shot queries with a timeout, their errors classified so every failure
// can name its cause and its fix. Always pinned to one context (--context).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::k8s {

enum class KubeError {
    none,
    kubectl_missing,      // not in PATH
    no_context,           // "current-context is not set"
    context_missing,      // the context is not in kubeconfig
    namespace_not_found,
    service_not_found,
    unreachable,          // the API server does not answer
    forbidden,
    timeout,
    other,
};

struct KubeResult {
    KubeError error = KubeError::none;
    std::string message;  // kubectl's own last error line when it failed
    std::string out;      // stdout when it succeeded
    int exit_code = 0;
    bool ok() const { return error == KubeError::none; }
};

struct ServicePort {
    std::string name;
    int port = 0;
    std::string target_port;
};

struct ServiceInfo {
    std::string namespace_name;
    std::string name;
    std::string cluster_ip;
    std::vector<ServicePort> ports;
};

struct EndpointsInfo {
    int ready = 0;
    int not_ready = 0;
};

class Kubectl {
public:
    Kubectl(std::string program, std::string context,
            std::chrono::milliseconds timeout = std::chrono::milliseconds(8000));
    bool available() const;
    std::string path() const;  // full path, empty when missing
    const std::string& program() const { return m_program; }
    const std::string& context() const { return m_context; }

    // kubectl [--context C] ARGS... (plus --request-timeout for API calls).
    KubeResult run(std::vector<std::string> args, bool api_call = true) const;
    KubeResult current_context() const;  // `config current-context`; out = the name
    KubeResult client_version() const;   // out = gitVersion
    KubeResult get_namespace(const std::string& ns) const;
    KubeResult get_service(const std::string& ns, const std::string& name,
                           ServiceInfo* info) const;
    KubeResult get_endpoints(const std::string& ns, const std::string& name,
                             EndpointsInfo* info) const;

private:
    std::string m_program;
    std::string m_context;
    std::chrono::milliseconds m_timeout;
};

// Classifies kubectl's stderr (tested against kubectl's real messages).
KubeError classify_kubectl_error(const std::string& stderr_text, std::string* last_line);
// The port named `preferred_name`, else the one numbered `fallback`, else the only one.
std::optional<ServicePort> pick_port(const ServiceInfo& svc, const std::string& preferred_name,
                                     int fallback);
ServiceInfo parse_service_json(const Json& j);

}  // namespace aegis::k8s
