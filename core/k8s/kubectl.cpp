#include "core/k8s/kubectl.hpp"
#include <optional>
#include <chrono>
#include <vector>
#include <string>

#include "core/util/process.hpp"
#include "core/wire/codec.hpp"

namespace aegis::k8s {

namespace {

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// kubectl prefixes client-go logging with "E1127 11:08:25.228480 ..."; the last plain line is
// the message a user needs.
std::string last_message_line(const std::string& text) {
    std::string last, last_any;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.empty()) continue;
        last_any = line;
        bool klog = line.size() > 5 && std::string("IWEF").find(line[0]) != std::string::npos &&
                    std::isdigit(static_cast<unsigned char>(line[1]));
        if (!klog) last = line;
    }
    return last.empty() ? last_any : last;
}

std::string port_text(const Json& v) {
    if (v.is_number_integer()) return std::to_string(v.get<int>());
    if (v.is_string()) return v.get<std::string>();
    return {};
}

}  // namespace

KubeError classify_kubectl_error(const std::string& err, std::string* last_line) {
    std::string line = last_message_line(err);
    if (last_line) *last_line = line;
    if (contains(err, "current-context is not set")) return KubeError::no_context;
    if (contains(err, "context was not found") || (contains(err, "context \"") &&
                                                   contains(err, "does not exist")))
        return KubeError::context_missing;
    if (contains(err, "(NotFound): namespaces")) return KubeError::namespace_not_found;
    if (contains(err, "(NotFound): services") || contains(err, "(NotFound): endpoints"))
        return KubeError::service_not_found;
    if (contains(err, "(Forbidden)") || contains(err, "forbidden")) return KubeError::forbidden;
    if (contains(err, "Unable to connect to the server") ||
        contains(err, "connection to the server") || contains(err, "connection refused") ||
        contains(err, "no such host") || contains(err, "i/o timeout"))
        return KubeError::unreachable;
    return KubeError::other;
}

Kubectl::Kubectl(std::string program, std::string context, std::chrono::milliseconds timeout)
    : m_program(std::move(program)), m_context(std::move(context)), m_timeout(timeout) {}

bool Kubectl::available() const { return !path().empty(); }

std::string Kubectl::path() const { return util::find_in_path(m_program); }

KubeResult Kubectl::run(std::vector<std::string> args, bool api_call) const {
    std::vector<std::string> argv{m_program};
    if (!m_context.empty()) argv.insert(argv.end(), {"--context", m_context});
    argv.insert(argv.end(), args.begin(), args.end());
    if (api_call)
        argv.push_back("--request-timeout=" + std::to_string(m_timeout.count() / 1000 + 1) + "s");
    auto r = util::run_capture(argv, m_timeout + std::chrono::seconds(2));
    KubeResult out;
    out.exit_code = r.exit_code;
    if (r.not_found) {
        out.error = KubeError::kubectl_missing;
        out.message = "'" + m_program + "' not found in PATH";
    } else if (r.timed_out) {
        out.error = KubeError::timeout;
        out.message =
            "kubectl did not answer in " + std::to_string(m_timeout.count() / 1000) + " s";
    } else if (r.exit_code != 0) {
        out.error = classify_kubectl_error(r.err, &out.message);
        if (out.message.empty()) out.message = "kubectl exited " + std::to_string(r.exit_code);
    } else {
        out.out = r.out;
    }
    return out;
}

KubeResult Kubectl::current_context() const {
    auto r = run({"config", "current-context"}, false);
    while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == ' ')) r.out.pop_back();
    return r;
}

KubeResult Kubectl::client_version() const {
    auto r = run({"version", "--client", "-o", "json"}, false);
    if (!r.ok()) return r;
    try {
        r.out = wire::from_json(r.out).at("clientVersion").value("gitVersion", "");
    } catch (const std::exception&) {
        r.out.clear();  // an unusual kubectl: it ran, that is what matters
    }
    return r;
}

KubeResult Kubectl::get_namespace(const std::string& ns) const {
    return run({"get", "namespace", ns, "-o", "json"});
}

ServiceInfo parse_service_json(const Json& j) {
    ServiceInfo s;
    s.name = j.at("metadata").value("name", "");
    s.namespace_name = j.at("metadata").value("namespace", "");
    const Json& spec = j.at("spec");
    s.cluster_ip = spec.value("clusterIP", "");
    if (spec.contains("ports"))
        for (const auto& p : spec.at("ports")) {
            ServicePort sp;
            sp.name = p.value("name", "");
            sp.port = p.value("port", 0);
            if (p.contains("targetPort")) sp.target_port = port_text(p.at("targetPort"));
            s.ports.push_back(sp);
        }
    return s;
}

KubeResult Kubectl::get_service(const std::string& ns, const std::string& name,
                                ServiceInfo* info) const {
    auto r = run({"get", "service", name, "-n", ns, "-o", "json"});
    if (!r.ok() || !info) return r;
    try {
        *info = parse_service_json(wire::from_json(r.out));
    } catch (const std::exception& e) {
        r.error = KubeError::other;
        r.message = std::string("unexpected 'kubectl get service' output: ") + e.what();
    }
    return r;
}

KubeResult Kubectl::get_endpoints(const std::string& ns, const std::string& name,
                                  EndpointsInfo* info) const {
    auto r = run({"get", "endpoints", name, "-n", ns, "-o", "json"});
    if (!r.ok() || !info) return r;
    try {
        Json j = wire::from_json(r.out);
        *info = {};
        if (j.contains("subsets") && j.at("subsets").is_array())
            for (const auto& s : j.at("subsets")) {
                if (s.contains("addresses")) info->ready += static_cast<int>(s["addresses"].size());
                if (s.contains("notReadyAddresses"))
                    info->not_ready += static_cast<int>(s["notReadyAddresses"].size());
            }
    } catch (const std::exception& e) {
        r.error = KubeError::other;
        r.message = std::string("unexpected 'kubectl get endpoints' output: ") + e.what();
    }
    return r;
}

std::optional<ServicePort> pick_port(const ServiceInfo& svc, const std::string& preferred_name,
                                     int fallback) {
    for (auto& p : svc.ports)
        if (p.name == preferred_name) return p;
    for (auto& p : svc.ports)
        if (p.port == fallback) return p;
    if (svc.ports.size() == 1) return svc.ports[0];
    return std::nullopt;
}

}  // namespace aegis::k8s
