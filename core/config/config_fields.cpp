#include "core/config/config_fields.hpp"
#include <chrono>
#include <vector>
#include <string>

#include <cstdlib>
#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>

#include "core/util/text.hpp"

namespace aegis::config {

namespace {

std::string yes_no(bool b) { return b ? "true" : "false"; }

#define STR_FIELD(expr)                                                                        \
    [](SdkConfig& c, const std::string& v) { expr = v; },                                      \
        [](const SdkConfig& c) -> std::string { return expr; }
#define INT_FIELD(expr)                                                                        \
    [](SdkConfig& c, const std::string& v) { expr = std::stoi(v); },                           \
        [](const SdkConfig& c) -> std::string { return std::to_string(expr); }
#define BOOL_FIELD(expr)                                                                       \
    [](SdkConfig& c, const std::string& v) { expr = v == "true"; },                            \
        [](const SdkConfig& c) -> std::string { return yes_no(expr); }

const std::vector<Field> k_fields = {
    {"service_name", Kind::text, {"AEGIS_SERVICE_NAME"}, STR_FIELD(c.service_name)},
    {"nats_url", Kind::url, {"AEGIS_NATS_URL", "NATS_URL"}, STR_FIELD(c.nats_url)},
    {"environment", Kind::environment, {"AEGIS_ENVIRONMENT"}, STR_FIELD(c.environment)},
    {"debug", Kind::boolean, {"AEGIS_DEBUG"}, BOOL_FIELD(c.debug)},
    {"heartbeat_interval", Kind::seconds, {"AEGIS_HEARTBEAT_INTERVAL"},
     [](SdkConfig& c, const std::string& v) { c.heartbeat_interval = std::chrono::seconds(
                                                  std::stoi(v)); },
     [](const SdkConfig& c) { return std::to_string(c.heartbeat_interval.count()); }},
    {"kv_replicas", Kind::replicas, {"AEGIS_KV_REPLICAS"},
     [](SdkConfig& c, const std::string& v) { c.kv_replicas = v == "auto" ? 0 : std::stoi(v); },
     [](const SdkConfig& c) {
         return c.kv_replicas == 0 ? std::string("auto") : std::to_string(c.kv_replicas);
     }},
    // What a service does under overload and on stop (docs/sdk.md, "Overload and stopping").
    {"max_pending", Kind::count, {"AEGIS_MAX_PENDING"}, INT_FIELD(c.max_pending)},
    {"stop_grace", Kind::seconds, {"AEGIS_STOP_GRACE"},
     [](SdkConfig& c, const std::string& v) { c.stop_grace = std::chrono::seconds(std::stoi(v)); },
     [](const SdkConfig& c) { return std::to_string(c.stop_grace.count()); }},
    {"k8s.namespace", Kind::k8s_name, {"AEGIS_NAMESPACE"}, STR_FIELD(c.k8s.namespace_name)},
    {"k8s.service_name", Kind::k8s_name, {"AEGIS_NATS_SERVICE"}, STR_FIELD(c.k8s.service_name)},
    {"k8s.port", Kind::port, {"AEGIS_NATS_PORT"}, INT_FIELD(c.k8s.port)},
    {"k8s.local_port", Kind::port, {"AEGIS_LOCAL_PORT"}, INT_FIELD(c.k8s.local_port)},
    {"k8s.use_port_forward", Kind::boolean, {"AEGIS_PORT_FORWARD"},
     BOOL_FIELD(c.k8s.use_port_forward)},
    {"k8s.context", Kind::text, {"AEGIS_KUBE_CONTEXT"}, STR_FIELD(c.k8s.context)},
    {"k8s.kubectl", Kind::path, {"AEGIS_KUBECTL"}, STR_FIELD(c.k8s.kubectl)},
    {"auth.creds_file", Kind::path, {"NATS_CREDS"}, STR_FIELD(c.auth.creds_file)},
    {"auth.nkey_seed_file", Kind::path, {"NATS_NKEY"}, STR_FIELD(c.auth.nkey_seed_file)},
    {"auth.token", Kind::secret, {"NATS_TOKEN"}, STR_FIELD(c.auth.token)},
    {"auth.user", Kind::text, {"NATS_USER"}, STR_FIELD(c.auth.user)},
    {"auth.password", Kind::secret, {"NATS_PASSWORD"}, STR_FIELD(c.auth.password)},
    {"tls.ca", Kind::path, {"NATS_CA"}, STR_FIELD(c.auth.tls_ca)},
    {"tls.cert", Kind::path, {"NATS_CERT"}, STR_FIELD(c.auth.tls_cert)},
    {"tls.key", Kind::path, {"NATS_KEY"}, STR_FIELD(c.auth.tls_key)},
};

#undef STR_FIELD
#undef INT_FIELD
#undef BOOL_FIELD

std::string got(const std::string& v) { return " (got '" + v + "')"; }

std::optional<int> parse_int(std::string v, bool allow_seconds_suffix) {
    if (allow_seconds_suffix && !v.empty() && v.back() == 's') v.pop_back();
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(v);
}

std::string expand_path(const std::string& v, const std::string& base_dir) {
    if (v.empty()) return v;
    if (v == "~" || v.rfind("~/", 0) == 0) {
        const char* home = std::getenv("HOME");
        return std::string(home ? home : "") + v.substr(1);
    }
    // A bare program name ("kubectl") stays a name to look up in PATH.
    if (v[0] == '/' || base_dir.empty() || v.find('/') == std::string::npos) return v;
    return base_dir + "/" + v;
}

std::string check_url(const std::string& v) {
    if (v == "auto") return {};
    size_t start = 0;
    while (start <= v.size()) {
        size_t end = v.find(',', start);
        if (end == std::string::npos) end = v.size();
        std::string one = v.substr(start, end - start);
        static const std::regex k_url(R"(^(nats|tls|ws|wss)://[^\s/]+$)");
        if (!std::regex_match(one, k_url))
            return "must be 'auto' or URLs starting nats://, tls://, ws:// or wss:// (got '" +
                   nats::redact_url(one) + "')";
        start = end + 1;
    }
    return {};
}

}  // namespace

const std::vector<Field>& fields() { return k_fields; }

const Field* find_field(std::string_view key) {
    for (auto& f : k_fields)
        if (f.key == key) return &f;
    return nullptr;
}

std::string known_keys() {
    std::string out;
    for (auto& f : k_fields) out += (out.empty() ? "" : ", ") + std::string(f.key);
    return out;
}

std::string unknown_key_hint(std::string_view key) {
    const Field* best = nullptr;
    size_t best_d = 3;  // typos only: a transposition or two
    for (auto& f : k_fields) {
        size_t d = util::edit_distance(key, f.key);
        // Also a right field in the wrong section ("namespace" for "k8s.namespace").
        auto dot = f.key.find('.');
        if (dot != std::string_view::npos && f.key.substr(dot + 1) == key) d = 1;
        if (d < best_d) {
            best_d = d;
            best = &f;
        }
    }
    if (best) return "did you mean '" + std::string(best->key) + "'?";
    return "known fields: " + known_keys();
}

std::string assign(SdkConfig& c, const Field& f, const std::string& text,
                   const std::string& base_dir) {
    std::string v = text;
    switch (f.kind) {
    case Kind::text:
    case Kind::secret:
        break;
    case Kind::url:
        if (auto e = check_url(v); !e.empty()) return e;
        break;
    case Kind::path:
        v = expand_path(v, base_dir);
        break;
    case Kind::port: {
        auto n = parse_int(v, false);
        if (!n || *n < 1 || *n > 65535) return "must be a port number 1-65535" + got(v);
        v = std::to_string(*n);
        break;
    }
    case Kind::seconds: {
        auto n = parse_int(v, true);
        if (!n || *n < 1 || *n > 300) return "must be a number of seconds 1-300" + got(v);
        v = std::to_string(*n);
        break;
    }
    case Kind::count: {
        auto n = parse_int(v, false);
        if (!n || *n < 1 || *n > 1000000) return "must be a number 1-1000000" + got(v);
        v = std::to_string(*n);
        break;
    }
    case Kind::replicas: {
        // JetStream allows 1-5 replicas; "auto" = 3 on a cluster of 3 or more, else 1.
        std::string l = util::to_lower(v);
        if (l == "auto") {
            v = l;
            break;
        }
        auto n = parse_int(v, false);
        if (!n || *n < 1 || *n > 5) return "must be 'auto' or a number of replicas 1-5" + got(v);
        v = std::to_string(*n);
        break;
    }
    case Kind::boolean: {
        std::string l = util::to_lower(v);
        if (l == "true" || l == "yes" || l == "on" || l == "1") v = "true";
        else if (l == "false" || l == "no" || l == "off" || l == "0") v = "false";
        else return "must be true or false" + got(v);
        break;
    }
    case Kind::environment: {
        std::string l = util::to_lower(v);
        if (l == "unknown") l = "none";  // the Python SDK's name for it
        if (l != "auto" && l != "in-cluster" && l != "docker" && l != "local-k8s" &&
            l != "production" && l != "none")
            return "must be one of auto, in-cluster, docker, local-k8s, production, none" +
                   got(v);
        v = l;
        break;
    }
    case Kind::k8s_name: {
        static const std::regex k_name("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
        if (!std::regex_match(v, k_name))
            return "must be a Kubernetes name (lower-case letters, digits, '-')" + got(v);
        break;
    }
    }
    f.set(c, v);
    return {};
}

}  // namespace aegis::config
