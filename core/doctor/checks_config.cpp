// Config checks: they need no network, so `aegis validate` is useful offline too.
#include <unistd.h>
#include <string>

#include <regex>
#include <tuple>

#include "core/doctor/doctor_internal.hpp"
#include "core/k8s/environment.hpp"
#include "core/nats/auth.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/nkeys.hpp"
#include "core/util/error.hpp"

namespace aegis::doctor {

namespace {

void config_file(Run& r) {
    const auto& c = r.config;
    if (!r.options.config_error.empty()) {
        r.add("config", "config file", Status::fail, r.options.config_error,
              r.options.config_error_fix);
        return;
    }
    if (c.file.empty()) {
        r.add("config", "config file", Status::ok, "none found: defaults and environment");
        return;
    }
    std::string msg = c.file;
    if (!c.context.empty()) msg += " (context " + c.context + ")";
    r.add("config", "config file", Status::ok, msg);
}

void nats_url(Run& r) {
    const auto& c = r.config;
    if (c.auto_url())
        r.add("config", "nats_url", Status::ok, "auto: discovered (see below)");
    else
        r.add("config", "nats_url", Status::ok,
              nats::redact_url(c.nats_url) + " (from " + c.source_of("nats_url") + ")");
}

void service_name(Run& r) {
    const std::string& n = r.config.service_name;
    static const std::regex k_name("^[a-z][a-z0-9-]{1,62}[a-z0-9]$");
    if (n.empty()) {
        r.skip("config", "service name", "not set (only a service needs one)");
    } else if (n.size() < 3) {
        r.add("config", "service name", Status::warn, "'" + n + "' is very short",
              "use a more descriptive name (3-64 characters)");
    } else if (!std::regex_match(n, k_name) || n.find("--") != std::string::npos) {
        r.add("config", "service name", Status::warn,
              "'" + n + "' does not satisfy every reader (docs/protocol.md §12.1)",
              "use lower-case letters, digits and single '-', starting with a letter");
    } else {
        r.add("config", "service name", Status::ok, "'" + n + "'");
    }
}

void environment(Run& r) {
    auto d = k8s::detect_environment(k8s::gather_facts(), r.config.environment,
                                     r.config.k8s.context);
    r.add("config", "environment", Status::ok,
          k8s::to_string(d.environment) + " (" + d.reason + ")");
}

std::string readable(const std::string& path, const std::string& what) {
    if (access(path.c_str(), F_OK) != 0) return what + " '" + path + "' not found";
    if (access(path.c_str(), R_OK) != 0) return what + " '" + path + "' is not readable";
    return {};
}

// Checks the files auth names, offline; returns the problem or an empty string. `field` names
// the setting at fault, when one is.
std::string auth_problem(const nats::Auth& a, std::string* detail, std::string* field) {
    int methods = !a.token.empty() + !a.user.empty() + !a.creds_file.empty() +
                  !a.nkey_seed_file.empty();
    if (methods > 1) return "more than one auth method is configured (token, user, creds, nkey)";
    if (!a.password.empty() && a.user.empty()) return "a password is set without a user";
    if (!a.creds_file.empty()) {
        *field = "auth.creds_file";
        if (auto e = readable(a.creds_file, "creds file"); !e.empty()) return e;
        *detail = "creds file " + a.creds_file;
    }
    if (!a.nkey_seed_file.empty()) {
        *field = "auth.nkey_seed_file";
        if (auto e = readable(a.nkey_seed_file, "nkey seed file"); !e.empty()) return e;
        try {
            *detail = "nkey " + nats::nkey_public_from_seed(
                                    nats::read_nkey_seed_file(a.nkey_seed_file));
        } catch (const Error& e) {
            return e.what();
        }
    }
    if (!a.token.empty()) *detail = "token (********)";
    if (!a.user.empty()) *detail = "user '" + a.user + "'";
    for (auto [path, what, key] :
         {std::tuple{a.tls_ca, "TLS CA", "tls.ca"}, std::tuple{a.tls_cert, "TLS cert", "tls.cert"},
          std::tuple{a.tls_key, "TLS key", "tls.key"}})
        if (!path.empty()) {
            *field = key;
            if (auto e = readable(path, what); !e.empty()) return e;
        }
    field->clear();
    if (a.tls_cert.empty() != a.tls_key.empty()) return "TLS needs both tls.cert and tls.key";
    return {};
}

std::string auth_source(const config::SdkConfig& c) {
    for (const char* key : {"auth.creds_file", "auth.nkey_seed_file", "auth.token", "auth.user"})
        if (c.source_of(key) != "default") return " (from " + c.source_of(key) + ")";
    return {};
}

void auth(Run& r) {
    std::string detail, field;
    std::string problem = auth_problem(r.config.auth, &detail, &field);
    if (!problem.empty()) {
        r.add("config", "auth", Status::fail, problem,
              field.empty() ? "fix the auth settings; 'aegis config show' tells where each "
                              "comes from"
                            : "fix or unset " + field + " (set by " + r.config.source_of(field) +
                                  ")");
        return;
    }
    std::string tls = r.config.auth.tls_ca.empty() && r.config.auth.tls_cert.empty()
                          ? ""
                          : ", TLS " + (r.config.auth.tls_cert.empty()
                                            ? std::string("(server verified)")
                                            : std::string("with client certificate"));
    if (detail.empty())
        r.add("config", "auth", Status::ok, "none configured" + tls);
    else
        r.add("config", "auth", Status::ok, detail + auth_source(r.config) + tls);
}

}  // namespace

void check_config(Run& r) {
    config_file(r);
    nats_url(r);
    service_name(r);
    environment(r);
    auth(r);
}

}  // namespace aegis::doctor
