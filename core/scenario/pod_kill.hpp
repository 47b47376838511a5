#pragma once
// Killing an instance's Kubernetes pod: the pod and namespace come from the instance's registry
// metadata (pod_name / pod_namespace, core/service/host_metadata.hpp), are checked as DNS-1123
// names, and go to kubectl as argv words (never through a shell): `kubectl delete pod NAME -n NS`
// with --grace-period=0 --force for a crash. Used by `aegis failover --k8s` and `kill_pod`.
#include <memory>
#include <string>

namespace aegis::nats {
class Connection;
}

namespace aegis::scenario {

struct KubeTarget {
    std::string kubectl = "kubectl";
    std::string context;                         // empty: kubectl's current context
    std::string default_namespace = "aegis-trader";  // when the metadata names none
};

struct PodRef {
    std::string instance_id, pod, namespace_name;
};

// A pod name is a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253,
// starting and ending with a letter or digit); a namespace a DNS-1123 label (no '.', at most 63).
bool is_dns1123_subdomain(const std::string& name);
bool is_dns1123_label(const std::string& name);

// The pod of SERVICE's instance ID from the registry. DataError (65) when the entry is missing,
// names no pod, or names one that is not a valid Kubernetes name.
PodRef pod_of_instance(const std::shared_ptr<nats::Connection>& conn, const std::string& service,
                       const std::string& instance_id, const std::string& default_namespace);

// kubectl delete pod (force = --grace-period=0 --force: SIGKILL, as in a node crash; otherwise
// the pod's grace period: SIGTERM, a clean hand-over). UnavailableError with kubectl's own
// message when it fails.
void delete_pod(const KubeTarget& kube, const PodRef& pod, bool force);

}  // namespace aegis::scenario
