#pragma once
// kubeconfig, read with yaml-cpp the way kubectl merges it: $KUBECONFIG is a ':'-separated list
// (default ~/.kube/config); the first file to set current-context wins, and the first definition
// of a context or cluster wins. Read afresh at every resolution, so a `kubectl config
// use-context` between two runs is noticed.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aegis::k8s {

struct KubeContext {
    std::string name;
    std::string cluster;
    std::string user;
    std::string namespace_name;  // the context's default namespace (may be empty)
    std::string server;          // the cluster's API server URL (may be empty)
};

struct Kubeconfig {
    std::vector<std::string> files;   // files that were read
    std::vector<std::string> errors;  // files that could not be parsed ("path: line N: ...")
    std::string current_context;
    std::vector<KubeContext> contexts;
    std::map<std::string, std::string> cluster_servers;  // cluster name → API server URL

    const KubeContext* find(const std::string& name) const;
    std::vector<std::string> context_names() const;
};

// nullopt when no kubeconfig file exists.
std::optional<Kubeconfig> load_kubeconfig();
// The files kubectl would read (existing or not).
std::vector<std::string> kubeconfig_paths();
// Merges one file's YAML text into `into` (for tests and load_kubeconfig).
void merge_kubeconfig_text(Kubeconfig& into, const std::string& text, const std::string& path);

// kind-*, minikube, docker-desktop, k3d-*, rancher-desktop, orbstack, colima — or an API server
// on a loopback address: a development cluster on this machine.
bool is_local_cluster(const std::string& context_name, const std::string& server);

}  // namespace aegis::k8s
