#include "core/scenario/pod_kill.hpp"
#include <fmt/format.h>
#include <memory>
#include <string>

#include "core/k8s/kubectl.hpp"
#include "core/registry/registry.hpp"
#include "core/service/host_metadata.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::scenario {

namespace {

bool dns_char(char c, bool dot_ok) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (dot_ok && c == '.');
}

bool dns_name(const std::string& s, size_t max, bool dots) {
    if (s.empty() || s.size() > max) return false;
    for (char c : s)
        if (!dns_char(c, dots)) return false;
    auto alnum = [](char c) { return dns_char(c, false) && c != '-'; };
    if (!alnum(s.front()) || !alnum(s.back())) return false;
    // Each dot-separated label of a subdomain starts and ends with a letter or digit too.
    return s.find("..") == std::string::npos && s.find("-.") == std::string::npos &&
           s.find(".-") == std::string::npos;
}

std::string metadata_text(const Json& md, const char* key) {
    if (!md.is_object() || !md.contains(key)) return {};
    const Json& v = md.at(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

bool is_dns1123_subdomain(const std::string& name) { return dns_name(name, 253, true); }
bool is_dns1123_label(const std::string& name) { return dns_name(name, 63, false); }

PodRef pod_of_instance(const std::shared_ptr<nats::Connection>& conn, const std::string& service,
                       const std::string& instance_id, const std::string& default_namespace) {
    registry::Registry reg(conn);
    auto entry = reg.get(service, instance_id);
    if (!entry)
        throw DataError(fmt::format("the leader '{}' of '{}' is not in the registry: its pod is "
                                    "unknown", instance_id, service),
                        "is it an aegis service that registers? 'aegis explore " + service + "'");
    const Json& md = entry->instance.metadata;
    PodRef ref{instance_id, metadata_text(md, service::k_pod_name_key),
               metadata_text(md, service::k_pod_namespace_key)};
    if (ref.pod.empty())
        throw DataError(fmt::format("the leader '{}' of '{}' names no pod in its registry "
                                    "metadata (no '{}')", instance_id, service,
                                    service::k_pod_name_key),
                        "it does not run in Kubernetes, or its SDK does not say where; kill it "
                        "yourself and run 'aegis failover " + service + "' without --k8s");
    if (ref.namespace_name.empty()) ref.namespace_name = default_namespace;
    // Registry values are anyone's to write: only a real Kubernetes name reaches kubectl.
    if (!is_dns1123_subdomain(ref.pod))
        throw DataError(fmt::format("the registry names pod '{}' for '{}', which is not a "
                                    "Kubernetes pod name (DNS-1123): refusing to pass it to "
                                    "kubectl", ref.pod, instance_id));
    if (!is_dns1123_label(ref.namespace_name))
        throw DataError(fmt::format("namespace '{}' of pod '{}' is not a Kubernetes namespace "
                                    "name (DNS-1123 label): refusing to pass it to kubectl",
                                    ref.namespace_name, ref.pod));
    return ref;
}

void delete_pod(const KubeTarget& kube, const PodRef& pod, bool force) {
    k8s::Kubectl kubectl(kube.kubectl, kube.context);
    std::vector<std::string> args{"delete", "pod", pod.pod, "-n", pod.namespace_name,
                                  "--wait=false"};
    if (force) args.insert(args.end(), {"--grace-period=0", "--force"});
    auto r = kubectl.run(args);
    if (!r.ok())
        throw UnavailableError(fmt::format("kubectl could not delete pod '{}' in '{}': {}",
                                           pod.pod, pod.namespace_name, r.message),
                               r.error == k8s::KubeError::kubectl_missing
                                   ? "install kubectl, or set k8s.kubectl in the config file"
                                   : "check with 'kubectl get pods -n " + pod.namespace_name +
                                         "'");
    log::info("deleted pod '{}' in '{}'{} (the leader '{}')", pod.pod, pod.namespace_name,
              force ? " with --grace-period=0 --force" : "", pod.instance_id);
}

}  // namespace aegis::scenario
