#pragma once
// "auto" NATS URL resolution, in order, each attempt recorded: the configured URL (flag,
// env, file) → in-cluster service → a NATS server already on localhost (an existing port-forward) →
// the Docker host → Kubernetes (kubectl get svc, then a supervised kubectl port-forward) → the
// local server started by `aegis up`. When nothing works, one error lists every attempt, why it
// failed and its fix.
//
// A Kubernetes target the user chose (k8s.context, k8s.namespace or k8s.service_name set in the
// config file or the environment, not left at its default) is a requirement, not a preference:
// the Kubernetes step then runs before the localhost probe, never hands over to the Docker host
// or the 'aegis up' server, and when it fails resolution stops there (an error, exit 69).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/sdk_config.hpp"
#include "core/k8s/environment.hpp"
#include "core/wire/json.hpp"

namespace aegis::k8s {
class PortForward;
}

namespace aegis::config {

enum class AttemptStatus { ok, failed, skipped, planned };
std::string to_string(AttemptStatus s);

struct Attempt {
    std::string step;    // configured, in-cluster, localhost, docker, kubernetes, port-forward, ...
    std::string target;  // what was tried (a URL, a service, a command)
    AttemptStatus status = AttemptStatus::failed;
    std::string detail;  // what happened
    std::string fix;     // what to do about it
    std::chrono::milliseconds took{0};
};

// One Kubernetes setting the user chose: "k8s.context" 'prod-east' from "env AEGIS_KUBE_CONTEXT".
struct Pin {
    std::string field;
    std::string value;
    std::string source;
};
std::vector<Pin> kubernetes_pins(const SdkConfig& config);
// "k8s.context 'prod-east' (env AEGIS_KUBE_CONTEXT), k8s.namespace 'trading' (file ...:3)"
std::string describe(const std::vector<Pin>& pins);

struct Resolution {
    std::string url;     // empty when nothing was found
    std::string source;  // how it was found ("flag --server", "kubernetes port-forward", ...)
    k8s::Detection detection;
    std::vector<Attempt> attempts;
    std::shared_ptr<k8s::PortForward> port_forward;  // ours, when one was started
    std::vector<Pin> pins;  // the Kubernetes target the user chose (empty: none)
    bool stopped = false;   // a step the pins made a requirement failed: nothing else was tried
    bool found() const { return !url.empty(); }
};

struct ResolveOptions {
    bool dry_run = false;  // start nothing: report the port-forward that would run
    std::optional<k8s::Environment> assume;  // resolve as if in this environment
    std::chrono::milliseconds probe_timeout{1000};
    bool kubernetes = true;  // false: skip the kubectl step (shell completion must stay fast)
    // Say once per process, as an info log line, which server a fallback landed on (localhost
    // or the 'aegis up' server while the kubeconfig names a current context). Off where the
    // resolution is the output (discover).
    bool announce = true;
};

Resolution resolve_nats_url(const SdkConfig& config, const ResolveOptions& options = {});
// UnavailableError (69): the most telling failure first, then every attempt and its fix.
[[noreturn]] void throw_unresolved(const Resolution& r);
// A line per attempt ("  [✗] kubernetes  ...") and one under it for its fix, for errors and
// discover; a detail quotes kubectl and the network, so each line is printed through visible().
std::vector<std::string> attempts_lines(const Resolution& r);
Json to_json(const Resolution& r);

// The URL a process in `env` would use, without probing anything (the connection-string
// generator of `aegis discover`), and how it gets there.
struct EnvironmentUrl {
    std::string url;
    std::string how;
};
EnvironmentUrl url_for_environment(const SdkConfig& config, k8s::Environment env);

// --- internal steps, shared by nats_url.cpp and resolve_k8s.cpp ---
struct StepContext {
    const SdkConfig& config;
    const ResolveOptions& options;
    Resolution& result;
};
// What the Kubernetes look-up found: the context used and the service's NATS port.
struct KubeService {
    std::string context;
    int port = 0;
    std::string cluster_ip;
};
// kubectl get svc in the chosen context (each failure recorded with its fix).
bool find_kubernetes_service(StepContext& ctx, KubeService* out);
// The supervised port-forward to it (or its cluster IP). True when NATS answers there.
bool reach_kubernetes_service(StepContext& ctx, const KubeService& svc);
// Both: true when it found NATS.
bool resolve_kubernetes(StepContext& ctx);

}  // namespace aegis::config
