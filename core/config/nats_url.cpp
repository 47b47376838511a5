#include "core/config/nats_url.hpp"
#include <chrono>
#include <string>

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
    return probe(ctx, "in-cluster", host, port, how,
                 "check the service: kubectl get svc -n " + ctx.config.k8s.namespace_name + " " +
                     ctx.config.k8s.service_name + " (and its pods)");
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

}  // namespace

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
    StepContext ctx{config, options, r};
    auto t0 = Clock::now();
    bool found = step_configured(ctx) || step_in_cluster(ctx) || step_localhost(ctx) ||
                 step_docker(ctx) || (options.kubernetes && resolve_kubernetes(ctx)) ||
                 step_local_server(ctx);
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
