// The Kubernetes step of "auto" resolution: find the NATS service with kubectl, then reach it
// through a supervised port-forward (or its cluster IP when port-forwarding is off).
#include <thread>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include "core/config/nats_url.hpp"
#include "core/k8s/kubectl.hpp"
#include "core/k8s/port_forward.hpp"
#include "core/util/error.hpp"
#include "core/util/net.hpp"

namespace aegis::config {

namespace {

using Clock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

Attempt& fail(StepContext& ctx, const std::string& step, const std::string& target,
              const std::string& detail, const std::string& fix) {
    ctx.result.attempts.push_back({step, target, AttemptStatus::failed, detail, fix, {}});
    return ctx.result.attempts.back();
}

std::string use_context_fix(const k8s::Kubeconfig* kc) {
    std::string fix = "kubectl config use-context NAME";
    if (kc && !kc->contexts.empty()) fix += " (contexts: " + join(kc->context_names()) + ")";
    return fix;
}

// Which context to use, or a recorded failure.
bool choose_context(StepContext& ctx, std::string* context) {
    const auto& det = ctx.result.detection;
    auto kc = k8s::load_kubeconfig();
    if (!kc) {
        // Only a failure when the user chose a cluster target; else Kubernetes is not in use.
        ctx.result.attempts.push_back(
            {"kubernetes", "",
             ctx.result.pins.empty() ? AttemptStatus::skipped : AttemptStatus::failed,
             "no kubeconfig (KUBECONFIG or ~/.kube/config)",
             "to use a cluster, point KUBECONFIG at its kubeconfig", {}});
        return false;
    }
    if (!kc->errors.empty() && kc->contexts.empty()) {
        fail(ctx, "kubernetes", "", "kubeconfig is not valid YAML: " + kc->errors.front(),
             "fix the file or point KUBECONFIG elsewhere");
        return false;
    }
    *context = det.context;
    if (context->empty()) {
        fail(ctx, "kubernetes", "", "kubeconfig has no current context", use_context_fix(&*kc));
        return false;
    }
    if (!kc->find(*context)) {
        // A context set in k8s.context wins over the current one: switching does not help.
        bool pinned = !ctx.config.k8s.context.empty();
        fail(ctx, "kubernetes", "context " + *context,
             "context '" + *context + "' is not defined in kubeconfig",
             pinned ? "set k8s.context to a context the kubeconfig defines (" +
                          join(kc->context_names()) + ")"
                    : use_context_fix(&*kc));
        return false;
    }
    return true;
}

std::string deploy_fix(const K8sNatsConfig& k) {
    return "deploy NATS: helm install " + k.service_name + " nats/nats -n " + k.namespace_name +
           " --set config.jetstream.enabled=true";
}

void explain_lookup_failure(StepContext& ctx, const k8s::Kubectl& kubectl,
                            const k8s::KubeResult& r, const std::string& target) {
    const auto& k = ctx.config.k8s;
    std::string in_ctx = " (context '" + kubectl.context() + "')";
    auto kc = k8s::load_kubeconfig();
    switch (r.error) {
    case k8s::KubeError::kubectl_missing:
        fail(ctx, "kubernetes", target, "kubectl is not installed (" + r.message + ")",
             "install kubectl (https://kubernetes.io/docs/tasks/tools/) or set k8s.kubectl");
        return;
    case k8s::KubeError::namespace_not_found:
    case k8s::KubeError::service_not_found: {
        auto ns = kubectl.get_namespace(k.namespace_name);
        if (ns.error == k8s::KubeError::namespace_not_found) {
            fail(ctx, "kubernetes", target,
                 "namespace '" + k.namespace_name + "' not found" + in_ctx,
                 "wrong cluster? " + use_context_fix(kc ? &*kc : nullptr) +
                     "; or create it: kubectl create namespace " + k.namespace_name + " && " +
                     deploy_fix(k).substr(std::string("deploy NATS: ").size()));
            return;
        }
        fail(ctx, "kubernetes", target,
             "service '" + k.service_name + "' not found in namespace '" + k.namespace_name +
                 "'" + in_ctx,
             deploy_fix(k) + "; or set k8s.service_name (kubectl get svc -n " +
                 k.namespace_name + " lists the services)");
        return;
    }
    case k8s::KubeError::unreachable:
    case k8s::KubeError::timeout:
        fail(ctx, "kubernetes", target,
             "the cluster of context '" + kubectl.context() + "' does not answer: " + r.message,
             "start the cluster, or switch: " + use_context_fix(kc ? &*kc : nullptr));
        return;
    case k8s::KubeError::context_missing:
    case k8s::KubeError::no_context:
        fail(ctx, "kubernetes", target, r.message, use_context_fix(kc ? &*kc : nullptr));
        return;
    case k8s::KubeError::forbidden:
        fail(ctx, "kubernetes", target, "not allowed: " + r.message,
             "ask for 'get' on services in namespace '" + k.namespace_name + "'");
        return;
    default:
        fail(ctx, "kubernetes", target, "kubectl failed: " + r.message,
             "run: kubectl --context " + kubectl.context() + " get svc -n " + k.namespace_name +
                 " " + k.service_name);
    }
}

// kubectl says "Forwarding from" before it has touched the pod: the first connection through
// the forward is what proves NATS is there.
bool nats_through(int port, std::chrono::milliseconds total) {
    auto deadline = Clock::now() + total;
    do {
        if (util::probe_nats("127.0.0.1", port, std::chrono::milliseconds(1500))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    } while (Clock::now() < deadline);
    return false;
}

k8s::PortForwardSpec forward_spec(const K8sNatsConfig& k, const std::string& context,
                                  int remote_port) {
    k8s::PortForwardSpec spec;
    spec.kubectl = k.kubectl;
    spec.context = context;
    spec.namespace_name = k.namespace_name;
    spec.service = k.service_name;
    spec.remote_port = remote_port;
    // 4222 if free (a second process then finds this forward on localhost), else any free port.
    spec.local_port = util::port_open("127.0.0.1", k.local_port, std::chrono::milliseconds(300))
                          ? util::free_port()
                          : k.local_port;
    return spec;
}

bool forward(StepContext& ctx, const std::string& context, int remote_port) {
    auto spec = forward_spec(ctx.config.k8s, context, remote_port);
    std::string url = "nats://127.0.0.1:" + std::to_string(spec.local_port);
    if (ctx.options.dry_run) {
        ctx.result.attempts.push_back({"port-forward", url, AttemptStatus::planned,
                                       "would run: " + k8s::port_forward_command(spec), "", {}});
        ctx.result.url = url;
        ctx.result.source = "kubernetes port-forward (not started: dry run)";
        return true;
    }
    auto t0 = Clock::now();
    std::shared_ptr<k8s::PortForward> pf;
    try {
        pf = k8s::PortForward::start(spec);
    } catch (const UnavailableError& e) {
        fail(ctx, "port-forward", url, e.what(), e.hint());
        return false;
    }
    if (!nats_through(spec.local_port, std::chrono::seconds(6))) {
        std::string err = pf->last_error();
        pf->stop();
        fail(ctx, "port-forward", url,
             "kubectl forwards, but no NATS answers through it" + (err.empty() ? "" : ": " + err),
             k8s::port_forward_fix(spec, err));
        return false;
    }
    ctx.result.attempts.push_back(
        {"port-forward", url, AttemptStatus::ok,
         "supervised: " + pf->command_line() + " (pid " + std::to_string(pf->pid()) + ")", "",
         std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0)});
    ctx.result.url = url;
    ctx.result.source = "kubernetes port-forward";
    ctx.result.port_forward = std::move(pf);
    return true;
}

}  // namespace

bool find_kubernetes_service(StepContext& ctx, KubeService* out) {
    const auto& k = ctx.config.k8s;
    std::string context;
    if (!choose_context(ctx, &context)) return false;
    std::string target = "svc/" + k.service_name + " -n " + k.namespace_name + " (context " +
                         context + ")";
    k8s::Kubectl kubectl(k.kubectl, context);
    auto t0 = Clock::now();
    k8s::ServiceInfo svc;
    auto r = kubectl.get_service(k.namespace_name, k.service_name, &svc);
    if (!r.ok()) {
        explain_lookup_failure(ctx, kubectl, r, target);
        return false;
    }
    auto port = k8s::pick_port(svc, "nats", k.port);
    if (!port) {
        fail(ctx, "kubernetes", target, "the service has no port named 'nats' (nor port " +
                                            std::to_string(k.port) + ")",
             "name the client port 'nats' or set k8s.port");
        return false;
    }
    ctx.result.attempts.push_back(
        {"kubernetes", target, AttemptStatus::ok,
         "service found: port '" + port->name + "' " + std::to_string(port->port) +
             ", cluster IP " + svc.cluster_ip,
         "",
         std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0)});
    *out = {context, port->port, svc.cluster_ip};
    return true;
}

bool reach_kubernetes_service(StepContext& ctx, const KubeService& svc) {
    if (ctx.config.k8s.use_port_forward) return forward(ctx, svc.context, svc.port);
    // Without a forward only the cluster IP is left (reachable from the cluster network).
    std::string url = "nats://" + svc.cluster_ip + ":" + std::to_string(svc.port);
    if (ctx.options.dry_run ||
        util::probe_nats(svc.cluster_ip, svc.port, ctx.options.probe_timeout)) {
        ctx.result.url = url;
        ctx.result.source = "kubernetes service IP";
        return true;
    }
    fail(ctx, "service-ip", url, "the cluster IP is not reachable from here",
         "enable port-forwarding: k8s.use_port_forward: true");
    return false;
}

bool resolve_kubernetes(StepContext& ctx) {
    KubeService svc;
    return find_kubernetes_service(ctx, &svc) && reach_kubernetes_service(ctx, svc);
}

}  // namespace aegis::config
