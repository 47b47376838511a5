#include "core/k8s/kubeconfig.hpp"
#include <optional>
#include <vector>
#include <string>

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>

#include "core/util/error.hpp"
#include "core/util/paths.hpp"

namespace aegis::k8s {

namespace {

std::string scalar(const YAML::Node& n, const char* key) {
    auto v = n[key];
    return v && v.IsScalar() ? v.Scalar() : std::string();
}

void resolve_servers(Kubeconfig& k) {
    for (auto& c : k.contexts)
        if (c.server.empty()) {
            auto it = k.cluster_servers.find(c.cluster);
            if (it != k.cluster_servers.end()) c.server = it->second;
        }
}

void merge_node(Kubeconfig& k, const YAML::Node& root) {
    auto& servers = k.cluster_servers;
    if (!root.IsMap()) return;
    if (k.current_context.empty()) k.current_context = scalar(root, "current-context");
    if (auto clusters = root["clusters"]; clusters && clusters.IsSequence())
        for (const auto& c : clusters) {
            std::string name = scalar(c, "name");
            if (!name.empty() && c["cluster"] && !servers.count(name))
                servers[name] = scalar(c["cluster"], "server");
        }
    if (auto contexts = root["contexts"]; contexts && contexts.IsSequence())
        for (const auto& c : contexts) {
            KubeContext kc;
            kc.name = scalar(c, "name");
            if (kc.name.empty() || k.find(kc.name)) continue;
            if (auto body = c["context"]; body && body.IsMap()) {
                kc.cluster = scalar(body, "cluster");
                kc.user = scalar(body, "user");
                kc.namespace_name = scalar(body, "namespace");
            }
            k.contexts.push_back(std::move(kc));
        }
}

}  // namespace

const KubeContext* Kubeconfig::find(const std::string& name) const {
    for (auto& c : contexts)
        if (c.name == name) return &c;
    return nullptr;
}

std::vector<std::string> Kubeconfig::context_names() const {
    std::vector<std::string> out;
    for (auto& c : contexts) out.push_back(c.name);
    return out;
}

std::vector<std::string> kubeconfig_paths() {
    std::vector<std::string> out;
    const char* env = std::getenv("KUBECONFIG");
    if (env && *env) {
        std::string list = env;
        size_t start = 0;
        while (start <= list.size()) {
            size_t end = list.find(':', start);
            if (end == std::string::npos) end = list.size();
            if (end > start) out.push_back(list.substr(start, end - start));
            start = end + 1;
        }
        return out;
    }
    const char* home = std::getenv("HOME");
    out.push_back(std::string(home ? home : "") + "/.kube/config");
    return out;
}

void merge_kubeconfig_text(Kubeconfig& k, const std::string& text, const std::string& path) {
    try {
        merge_node(k, YAML::Load(text));
        k.files.push_back(path);
    } catch (const YAML::Exception& e) {
        k.errors.push_back(path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    resolve_servers(k);
}

std::optional<Kubeconfig> load_kubeconfig() {
    Kubeconfig k;
    bool any = false;
    for (auto& path : kubeconfig_paths()) {
        if (access(path.c_str(), R_OK) != 0) continue;
        any = true;
        std::string text;
        try {
            text = util::read_file(path);
        } catch (const Error& e) {
            k.errors.push_back(path + ": " + e.what());
            continue;
        }
        merge_kubeconfig_text(k, text, path);
    }
    if (!any) return std::nullopt;
    return k;
}

bool is_local_cluster(const std::string& name, const std::string& server) {
    for (const char* exact : {"minikube", "docker-desktop", "docker-for-desktop",
                              "rancher-desktop", "orbstack", "colima"})
        if (name == exact) return true;
    for (const char* prefix : {"kind-", "k3d-", "colima-"})
        if (name.rfind(prefix, 0) == 0) return true;
    // https://127.0.0.1:6443, https://localhost:..., https://[::1]:...
    auto scheme = server.find("://");
    std::string host = scheme == std::string::npos ? server : server.substr(scheme + 3);
    for (const char* loop : {"127.", "localhost", "[::1]", "0.0.0.0", "host.docker.internal"})
        if (host.rfind(loop, 0) == 0) return true;
    return false;
}

}  // namespace aegis::k8s
