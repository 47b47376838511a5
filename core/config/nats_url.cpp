#include "core/config/nats_url.hpp"
#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <cstdlib>

#include "core/config/local_server.hpp"
#include "core/k8s/port_forward.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"

namespace aegis::config {

namespace {

using Clock = std::chrono::steady_clock;
using k8s::Environment;

std::string getenv_str(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? v : "";
}

std::chrono::milliseconds since(Clock::time_point t0) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
}

Attempt& add(Resolution& r, std::string step, std::string target, AttemptStatus status,
             std::string detail, std::string fix = {}) {
    r.attempts.push_back({std::move(step), std::move(target), status, std::move(detail),
                          std::move(fix), {}});
    return r.attempts.back();
}

std::string local_url(int port) { return "nats://127.0.0.1:" + std::to_string(port); }

// In a pod, Kubernetes injects <SERVICE>_SERVICE_HOST / _PORT for every service of the
// namespace; without them the cluster DNS name works from any namespace.
std::pair<std::string, int> in_cluster_address(const SdkConfig& c, std::string* how) {
    std::string prefix;
    for (char ch : c.k8s.service_name)
        prefix += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::string host = getenv_str(prefix + "_SERVICE_HOST");
    std::string port = getenv_str(prefix + "_SERVICE_PORT_NATS");
    if (port.empty()) port = getenv_str(prefix + "_SERVICE_PORT");
    if (!host.empty()) {
        if (how) *how = prefix + "_SERVICE_HOST";
        int p = c.k8s.port;
        try {
            if (!port.empty()) p = std::stoi(port);
        } catch (const std::exception&) {
            // a malformed port variable: keep the configured port
        }
        return {host, p};
    }
    if (how) *how = "cluster DNS";
    return {c.k8s.service_name + "." + c.k8s.namespace_name + ".svc.cluster.local", c.k8s.port};
}

bool probe(StepContext& ctx, const std::string& step, const std::string& host, int port,
           const std::string& what, const std::string& fix) {
    auto t0 = Clock::now();
    std::string url = "nats://" + host + ":" + std::to_string(port);
    bool ok = util::probe_nats(host, port, ctx.options.probe_timeout);
    auto& a = add(ctx.result, step, url, ok ? AttemptStatus::ok : AttemptStatus::failed,
                  ok ? "NATS answers (" + what + ")" : "no NATS answers at " + host + ":" +
                                                           std::to_string(port) + " (" + what + ")",
                  ok ? "" : fix);
    a.took = since(t0);
    if (ok) {
        ctx.result.url = url;
        ctx.result.source = step;
    }
    return ok;
}

bool step_configured(StepContext& ctx) {
    const auto& c = ctx.config;
    if (c.auto_url()) {
        add(ctx.result, "configured", "nats_url", AttemptStatus::skipped,
            "nats_url is 'auto' (no --server, AEGIS_NATS_URL, NATS_URL or config file URL)");
        return false;
    }
    add(ctx.result, "configured", nats::redact_url(c.nats_url), AttemptStatus::ok,
        "from " + c.source_of("nats_url"));
    ctx.result.url = c.nats_url;
    ctx.result.source = c.source_of("nats_url");
    return true;
}

bool step_in_cluster(StepContext& ctx) {
    if (ctx.result.detection.environment != Environment::in_cluster) {
        add(ctx.result, "in-cluster", "", AttemptStatus::skipped,
            ctx.result.detection.forced
                ? "environment is " + k8s::to_string(ctx.result.detection.environment)
                : "not in a pod (no KUBERNETES_SERVICE_HOST, no service-account token)");
        return false;
    }
    std::string how;
    auto [host, port] = in_cluster_address(ctx.config, &how);
    bool ok = probe(ctx, "in-cluster", host, port, how,
                    "check the service: kubectl get svc -n " + ctx.config.k8s.namespace_name +
                        " " + ctx.config.k8s.service_name + " (and its pods)");
    // In a pod the chosen namespace or service is the in-cluster address itself.
    auto names_address = [](const Pin& p) { return p.field != "k8s.context"; };
    if (!ok && std::any_of(ctx.result.pins.begin(), ctx.result.pins.end(), names_address))
        ctx.result.stopped = true;
    return ok;
}

bool step_localhost(StepContext& ctx) {
    int port = ctx.config.k8s.local_port;
    auto t0 = Clock::now();
    if (util::probe_nats("127.0.0.1", port, ctx.options.probe_timeout)) {
        add(ctx.result, "localhost", local_url(port), AttemptStatus::ok,
            "NATS answers on 127.0.0.1:" + std::to_string(port) +
                " (an existing port-forward or local server)")
            .took = since(t0);
        ctx.result.url = local_url(port);
        ctx.result.source = "localhost";
        return true;
    }
    bool taken = util::port_open("127.0.0.1", port, ctx.options.probe_timeout);
    add(ctx.result, "localhost", local_url(port), AttemptStatus::failed,
        taken ? "port " + std::to_string(port) + " is taken by something that is not NATS"
              : "nothing listens on 127.0.0.1:" + std::to_string(port),
        taken ? "free the port or set k8s.local_port (AEGIS_LOCAL_PORT)" : "")
        .took = since(t0);
    return false;
}

bool step_docker(StepContext& ctx) {
    if (ctx.result.detection.environment != Environment::docker) {
        add(ctx.result, "docker", "", AttemptStatus::skipped,
            ctx.result.detection.forced
                ? "environment is " + k8s::to_string(ctx.result.detection.environment)
                : "not in a container");
        return false;
    }
    return probe(ctx, "docker", "host.docker.internal", ctx.config.k8s.local_port,
                 "the Docker host",
                 "run NATS on the host ('aegis up') or start the container with "
                 "--add-host=host.docker.internal:host-gateway");
}

bool step_local_server(StepContext& ctx) {
    auto s = local_server_status();
    if (s && s->running) {
        add(ctx.result, "local-server", s->url, AttemptStatus::ok,
            "started by 'aegis up' (pid " + std::to_string(s->pid) + ")");
        ctx.result.url = s->url;
        ctx.result.source = "local server (aegis up)";
        return true;
    }
    add(ctx.result, "local-server", "", AttemptStatus::failed,
        s ? "the server 'aegis up' started is no longer running" : "none started by 'aegis up'",
        "for local development: aegis up");
    return false;
}

bool local_server_port(int port) {
    auto s = local_server_status();
    if (!s || !s->running) return false;
    if (s->port == port) return true;
    for (auto& n : s->nodes)
        if (n.running && n.port == port) return true;
    return false;
}

// The user chose the Kubernetes target: it must be found, and nothing else stands in for it.
// A NATS on the local port is taken for an existing forward to it (aegis cannot tell which
// cluster a forward leads to), unless it is the server 'aegis up' started.
bool step_pinned_kubernetes(StepContext& ctx) {
    KubeService svc;
    if (find_kubernetes_service(ctx, &svc)) {
        int port = ctx.config.k8s.local_port;
        if (local_server_port(port))
            add(ctx.result, "localhost", local_url(port), AttemptStatus::skipped,
                "the server 'aegis up' started listens there, not a port-forward");
        else if (step_localhost(ctx))
            return true;
        if (reach_kubernetes_service(ctx, svc)) return true;
    }
    ctx.result.stopped = true;
    return false;
}

bool fall_through(StepContext& ctx) {
    return step_localhost(ctx) || step_docker(ctx) ||
           (ctx.options.kubernetes && resolve_kubernetes(ctx)) || step_local_server(ctx);
}

// Once per process: a fallback while the kubeconfig names a cluster is worth a line, since the
// user may believe they are talking to that cluster.
void announce(const Resolution& r) {
    bool local = r.source == "localhost";
    if ((!local && r.source != "local server (aegis up)") || r.detection.context.empty()) return;
    static std::atomic<bool> said{false};
    if (!log::notes() || said.exchange(true)) return;
    std::string why;
    for (auto& a : r.attempts)
        if (a.step == "kubernetes" && a.status == AttemptStatus::failed) why = a.detail;
    log::note("NATS: using {} ({}), not Kubernetes context '{}'{}; 'aegis discover' shows why",
              nats::redact_url(r.url),
              local ? "found on localhost: an existing port-forward or a local server"
                    : "the server 'aegis up' started",
              r.detection.context, why.empty() ? "" : " (" + why + ")");
}

}  // namespace

std::vector<Pin> kubernetes_pins(const SdkConfig& config) {
    const std::pair<const char*, const std::string*> fields[] = {
        {"k8s.context", &config.k8s.context},
        {"k8s.namespace", &config.k8s.namespace_name},
        {"k8s.service_name", &config.k8s.service_name}};
    std::vector<Pin> out;
    for (auto& [field, value] : fields) {
        std::string source = config.source_of(field);
        if (source != "default" && !value->empty()) out.push_back({field, *value, source});
    }
    return out;
}

std::string describe(const std::vector<Pin>& pins) {
    std::string out;
    for (auto& p : pins)
        out += (out.empty() ? "" : ", ") + p.field + " '" + p.value + "' (" + p.source + ")";
    return out;
}

std::string to_string(AttemptStatus s) {
    switch (s) {
    case AttemptStatus::ok: return "ok";
    case AttemptStatus::failed: return "failed";
    case AttemptStatus::skipped: return "skipped";
    case AttemptStatus::planned: return "planned";
    }
    return "failed";
}

Resolution resolve_nats_url(const SdkConfig& config, const ResolveOptions& options) {
    Resolution r;
    auto facts = k8s::gather_facts();
    std::string env = options.assume ? k8s::to_string(*options.assume) : config.environment;
    r.detection = k8s::detect_environment(facts, env, config.k8s.context);
    if (options.assume) r.detection.reason = "assumed with --env";
    r.pins = kubernetes_pins(config);
    StepContext ctx{config, options, r};
    auto t0 = Clock::now();
    bool found = step_configured(ctx) || step_in_cluster(ctx);
    // Shell completion runs no kubectl: it keeps the plain order even with a chosen target.
    if (!found && !r.stopped)
        found = r.pins.empty() || !options.kubernetes ? fall_through(ctx)
                                                      : step_pinned_kubernetes(ctx);
    if (found && options.announce) announce(r);
    log::debug("NATS URL: {} via {} ({} attempts, {} ms)",
               found ? nats::redact_url(r.url) : "none", found ? r.source : "-",
               r.attempts.size(), since(t0).count());
    return r;
}

EnvironmentUrl url_for_environment(const SdkConfig& c, Environment env) {
    const auto& k = c.k8s;
    switch (env) {
    case Environment::in_cluster: {
        std::string how;
        auto [host, port] = in_cluster_address(c, &how);
        return {"nats://" + host + ":" + std::to_string(port), how};
    }
    case Environment::docker:
        return {"nats://host.docker.internal:" + std::to_string(k.local_port), "the Docker host"};
    case Environment::local_k8s:
    case Environment::production:
        if (!k.use_port_forward)
            return {"nats://<clusterIP>:" + std::to_string(k.port), "the service's cluster IP"};
        return {local_url(k.local_port), "kubectl port-forward -n " + k.namespace_name + " svc/" +
                                             k.service_name + " " + std::to_string(k.local_port) +
                                             ":" + std::to_string(k.port)};
    case Environment::none:
        break;
    }
    return {local_url(k.local_port), "a local server ('aegis up')"};
}

}  // namespace aegis::config
