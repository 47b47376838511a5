// Kubernetes checks: kubectl, context, namespace, service, endpoints (the port-forward state is
// reported by the NATS checks, once the URL has been resolved).
#include "core/doctor/doctor_internal.hpp"
#include <vector>
#include <string>
#include "core/k8s/kubeconfig.hpp"
#include "core/k8s/kubectl.hpp"

namespace aegis::doctor {

namespace {

constexpr const char* k_kubernetes = "kubernetes";

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string use_context_fix(const k8s::Kubeconfig& kc) {
    return "kubectl config use-context NAME (contexts: " + join(kc.context_names()) + ")";
}

// The context to check, or empty after reporting why there is none.
std::string check_context(Run& r, const k8s::Kubeconfig& kc, const k8s::Kubectl& bare) {
    std::string ctx = r.config.k8s.context.empty() ? kc.current_context : r.config.k8s.context;
    if (ctx.empty()) {
        auto cur = bare.current_context();  // kubectl's own word ("current-context is not set")
        r.add(k_kubernetes, "context", Status::fail,
              cur.ok() ? "kubeconfig has no current context" : cur.message, use_context_fix(kc));
        return {};
    }
    const auto* c = kc.find(ctx);
    if (!c) {
        r.add(k_kubernetes, "context", Status::fail, "context '" + ctx + "' is not in kubeconfig",
              use_context_fix(kc));
        return {};
    }
    bool local = k8s::is_local_cluster(c->name, c->server);
    std::string how = r.config.k8s.context.empty() ? "current" : "from k8s.context";
    r.add(k_kubernetes, "context", Status::ok,
          ctx + " (" + how + ", " + (local ? "local" : "remote") + " cluster" +
              (c->server.empty() ? "" : " at " + c->server) + ")");
    return ctx;
}

bool check_namespace(Run& r, const k8s::Kubectl& kubectl, const k8s::Kubeconfig& kc) {
    const auto& ns = r.config.k8s.namespace_name;
    auto res = kubectl.get_namespace(ns);
    if (res.ok()) {
        r.add(k_kubernetes, "namespace", Status::ok, ns);
        return true;
    }
    if (res.error == k8s::KubeError::namespace_not_found)
        r.add(k_kubernetes, "namespace", Status::fail,
              "namespace '" + ns + "' not found in context '" + kubectl.context() + "'",
              "kubectl create namespace " + ns + " (or, wrong cluster? " + use_context_fix(kc) +
                  ")");
    else if (res.error == k8s::KubeError::unreachable || res.error == k8s::KubeError::timeout)
        r.add(k_kubernetes, "namespace", Status::fail,
              "the cluster does not answer: " + res.message,
              "start the cluster, or " + use_context_fix(kc));
    else
        r.add(k_kubernetes, "namespace", Status::fail, res.message,
              "kubectl --context " + kubectl.context() + " get namespace " + ns);
    return false;
}

bool check_service(Run& r, const k8s::Kubectl& kubectl) {
    const auto& k = r.config.k8s;
    k8s::ServiceInfo svc;
    auto res = kubectl.get_service(k.namespace_name, k.service_name, &svc);
    if (!res.ok()) {
        r.add(k_kubernetes, "service", Status::fail,
              res.error == k8s::KubeError::service_not_found
                  ? "service '" + k.service_name + "' not found in namespace '" +
                        k.namespace_name + "'"
                  : res.message,
              "helm install " + k.service_name + " nats/nats -n " + k.namespace_name +
                  " --set config.jetstream.enabled=true (or set k8s.service_name; kubectl get "
                  "svc -n " + k.namespace_name + " lists them)");
        return false;
    }
    auto port = k8s::pick_port(svc, "nats", k.port);
    if (!port) {
        r.add(k_kubernetes, "service", Status::fail,
              "service '" + k.service_name + "' has no port named 'nats'",
              "name its client port 'nats' or set k8s.port");
        return false;
    }
    r.add(k_kubernetes, "service", Status::ok,
          k.service_name + ": port '" + port->name + "' " + std::to_string(port->port) +
              ", cluster IP " + svc.cluster_ip);
    return true;
}

void check_endpoints(Run& r, const k8s::Kubectl& kubectl) {
    const auto& k = r.config.k8s;
    k8s::EndpointsInfo ep;
    auto res = kubectl.get_endpoints(k.namespace_name, k.service_name, &ep);
    std::string pods = "kubectl get pods -n " + k.namespace_name + "; kubectl describe svc -n " +
                       k.namespace_name + " " + k.service_name;
    if (!res.ok())
        r.add(k_kubernetes, "endpoints", Status::fail, res.message, pods);
    else if (ep.ready == 0)
        r.add(k_kubernetes, "endpoints", Status::fail,
              "no ready pod behind the service" +
                  (ep.not_ready ? " (" + std::to_string(ep.not_ready) + " not ready)"
                                : std::string()),
              pods);
    else
        r.add(k_kubernetes, "endpoints", Status::ok,
              std::to_string(ep.ready) + " ready pod" + (ep.ready == 1 ? "" : "s") +
                  (ep.not_ready ? ", " + std::to_string(ep.not_ready) + " not ready" : ""));
}

}  // namespace

void check_kubernetes(Run& r) {
    const auto& c = r.config;
    if (!c.auto_url()) {
        r.skip(k_kubernetes, "kubernetes",
               "not used: nats_url is set (" + c.source_of("nats_url") + ")");
        return;
    }
    auto kc = k8s::load_kubeconfig();
    k8s::Kubectl bare(c.k8s.kubectl, "");
    auto version = bare.client_version();
    if (!kc && !version.ok()) {
        r.skip(k_kubernetes, "kubernetes", "not in use: no kubeconfig and no kubectl");
        return;
    }
    if (!version.ok()) {
        r.add(k_kubernetes, "kubectl", Status::fail, version.message,
              "install kubectl (https://kubernetes.io/docs/tasks/tools/) or set k8s.kubectl");
        return;
    }
    r.add(k_kubernetes, "kubectl", Status::ok,
          (version.out.empty() ? std::string("found") : version.out) + " (" + bare.path() + ")");
    if (!kc) {
        r.skip(k_kubernetes, "context", "no kubeconfig (KUBECONFIG or ~/.kube/config): not in use");
        return;
    }
    std::string ctx = check_context(r, *kc, bare);
    if (ctx.empty()) return;
    k8s::Kubectl kubectl(c.k8s.kubectl, ctx);
    if (!check_namespace(r, kubectl, *kc) || !check_service(r, kubectl)) return;
    r.kubernetes_used = true;
    check_endpoints(r, kubectl);
}

}  // namespace aegis::doctor
