#include "core/service/host_metadata.hpp"
#include <string>

#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace aegis::service {

namespace {

std::string env_text(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string own_hostname() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return {};
    return buf;
}

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

}  // namespace

std::string service_account_namespace(const std::string& path) {
    std::ifstream in(path);
    std::string ns;
    if (in) std::getline(in, ns);
    return trimmed(ns);
}

Json host_metadata() {
    Json md = Json::object();
    std::string host = own_hostname();
    if (!host.empty()) md["hostname"] = host;
    // In a pod the hostname is the pod's name; the downward API says so explicitly when the
    // manifest maps metadata.name / metadata.namespace to POD_NAME / POD_NAMESPACE.
    std::string pod = env_text("POD_NAME");
    bool in_pod = !env_text("KUBERNETES_SERVICE_HOST").empty() || !pod.empty();
    if (!in_pod) return md;
    if (pod.empty()) pod = env_text("HOSTNAME").empty() ? host : env_text("HOSTNAME");
    std::string ns = env_text("POD_NAMESPACE");
    if (ns.empty()) ns = service_account_namespace();
    if (!pod.empty()) md[k_pod_name_key] = pod;
    if (!ns.empty()) md[k_pod_namespace_key] = ns;
    return md;
}

}  // namespace aegis::service
