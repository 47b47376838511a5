#pragma once
// "auto" NATS URL resolution, in order, each attempt recorded: the configured URL (flag,
// env, file) → in-cluster service → a NATS server already on localhost (an existing port-forward) →
// the Docker host → Kubernetes (kubectl get svc, then a supervised kubectl port-forward) → the
// local server started by `aegis up`. When nothing works, one error lists every attempt, why it
// failed and its fix.
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

struct Resolution {
    std::string url;     // empty when nothing was found
    std::string source;  // how it was found ("flag --server", "kubernetes port-forward", ...)
    k8s::Detection detection;
    std::vector<Attempt> attempts;
    std::shared_ptr<k8s::PortForward> port_forward;  // ours, when one was started
    bool found() const { return !url.empty(); }
};

struct ResolveOptions {
    bool dry_run = false;  // start nothing: report the port-forward that would run
    std::optional<k8s::Environment> assume;  // resolve as if in this environment
    std::chrono::milliseconds probe_timeout{1000};
    bool kubernetes = true;  // false: skip the kubectl step (shell completion must stay fast)
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
// Kubernetes: kubectl get svc, then port-forward (or the cluster IP). True when it found NATS.
bool resolve_kubernetes(StepContext& ctx);

}  // namespace aegis::config
