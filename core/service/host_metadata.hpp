#pragma once
// Where an instance runs, added to its registry metadata at start: `hostname` always, and in a
// Kubernetes pod `pod_name` / `pod_namespace` (the downward API's POD_NAME / POD_NAMESPACE, else
// the pod's hostname and its service account's namespace). `aegis failover --k8s` and the
// `kill_pod` scenario step find the leader's pod from them.
#include <string>

#include "core/wire/json.hpp"

namespace aegis::service {

inline constexpr const char* k_pod_name_key = "pod_name";
inline constexpr const char* k_pod_namespace_key = "pod_namespace";

// The keys above for this process ({} for a key that does not apply).
Json host_metadata();

// Reads the service-account namespace file (tests point it elsewhere).
std::string service_account_namespace(
    const std::string& path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace");

}  // namespace aegis::service
