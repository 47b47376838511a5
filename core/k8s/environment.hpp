#pragma once
// Where this process runs: in a Kubernetes pod, in a Docker container, next to a local
// development cluster, next to a remote ("production") cluster, or none of these.
#include <optional>
#include <string>

#include "core/k8s/kubeconfig.hpp"

namespace aegis::k8s {

enum class Environment { in_cluster, docker, local_k8s, production, none };

std::string to_string(Environment e);  // "in-cluster", "docker", "local-k8s", ...
std::optional<Environment> parse_environment(const std::string& name);  // "unknown" = none

// What detection looks at, filled from the system by gather_facts() (tests build their own).
struct Facts {
    std::string kubernetes_service_host;  // $KUBERNETES_SERVICE_HOST
    bool service_account_dir = false;     // /var/run/secrets/kubernetes.io/serviceaccount
    bool dockerenv = false;               // /.dockerenv
    std::string cgroup;                   // /proc/1/cgroup
    std::optional<Kubeconfig> kubeconfig;
};
Facts gather_facts();

struct Detection {
    Environment environment = Environment::none;
    std::string reason;     // "KUBERNETES_SERVICE_HOST is set", "context 'kind-aegis' is local"
    std::string context;    // the kubeconfig context in use (may be empty)
    std::string server;     // its API server
    bool forced = false;    // set by configuration, not detected
};

// `configured` is the config's environment ("auto" detects); `context` overrides the
// kubeconfig's current context (k8s.context).
Detection detect_environment(const Facts& facts, const std::string& configured = "auto",
                             const std::string& context = {});

}  // namespace aegis::k8s
