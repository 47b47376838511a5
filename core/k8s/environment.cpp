#include "core/k8s/environment.hpp"
#include <optional>
#include <string>

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "core/util/paths.hpp"

namespace aegis::k8s {

namespace {

constexpr const char* k_sa_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

void fill_context(Detection& d, const Facts& f, const std::string& context) {
    if (!f.kubeconfig) return;
    d.context = context.empty() ? f.kubeconfig->current_context : context;
    if (const auto* c = f.kubeconfig->find(d.context)) d.server = c->server;
}

}  // namespace

std::string to_string(Environment e) {
    switch (e) {
    case Environment::in_cluster: return "in-cluster";
    case Environment::docker: return "docker";
    case Environment::local_k8s: return "local-k8s";
    case Environment::production: return "production";
    case Environment::none: return "none";
    }
    return "none";
}

std::optional<Environment> parse_environment(const std::string& n) {
    if (n == "in-cluster") return Environment::in_cluster;
    if (n == "docker") return Environment::docker;
    if (n == "local-k8s") return Environment::local_k8s;
    if (n == "production") return Environment::production;
    if (n == "none" || n == "unknown") return Environment::none;
    return std::nullopt;
}

Facts gather_facts() {
    Facts f;
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    f.kubernetes_service_host = host ? host : "";
    f.service_account_dir = access(k_sa_dir, F_OK) == 0;
    f.dockerenv = access("/.dockerenv", F_OK) == 0;
    try {
        f.cgroup = util::read_file("/proc/1/cgroup");
    } catch (const std::exception&) {
        // not Linux, or hidden: no container hint
    }
    f.kubeconfig = load_kubeconfig();
    return f;
}

Detection detect_environment(const Facts& f, const std::string& configured,
                             const std::string& context) {
    Detection d;
    fill_context(d, f, context);
    if (auto forced = parse_environment(configured)) {
        d.environment = *forced;
        d.forced = true;
        d.reason = "set by configuration";
        return d;
    }
    if (!f.kubernetes_service_host.empty() || f.service_account_dir) {
        d.environment = Environment::in_cluster;
        d.reason = !f.kubernetes_service_host.empty()
                       ? "KUBERNETES_SERVICE_HOST is set"
                       : "the service-account directory exists (" + std::string(k_sa_dir) + ")";
        return d;
    }
    bool docker_cgroup = f.cgroup.find("docker") != std::string::npos ||
                         f.cgroup.find("containerd") != std::string::npos;
    if (f.dockerenv || docker_cgroup) {
        d.environment = Environment::docker;
        d.reason = f.dockerenv ? "/.dockerenv exists" : "/proc/1/cgroup names docker";
        return d;
    }
    if (!d.context.empty()) {
        bool local = is_local_cluster(d.context, d.server);
        d.environment = local ? Environment::local_k8s : Environment::production;
        d.reason = fmt::format("kubeconfig context '{}' is a {} cluster", d.context,
                               local ? "local" : "remote");
        return d;
    }
    d.reason = f.kubeconfig ? "kubeconfig has no current context" : "no kubeconfig";
    return d;
}

}  // namespace aegis::k8s
