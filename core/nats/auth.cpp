#include "core/nats/auth.hpp"
#include <vector>
#include <string>

#include <nats/nats.h>
#include <unistd.h>

#include <algorithm>

#include "core/nats/nkeys.hpp"
#include "core/nats/status.hpp"
#include "core/util/error.hpp"
#include "core/util/paths.hpp"

namespace aegis::nats {

namespace {

void require_file(const std::string& path, const std::string& what) {
    if (path.empty()) return;
    if (access(path.c_str(), F_OK) != 0)
        throw NoInputError(what + " '" + path + "' not found",
                           "check the path ('aegis config show' tells where it is set)");
    if (access(path.c_str(), R_OK) != 0)
        throw NoInputError(what + " '" + path + "' is not readable", "check its permissions");
}

bool wants_tls(const Auth& a, const std::vector<std::string>& servers) {
    if (!a.tls_ca.empty() || !a.tls_cert.empty() || !a.tls_key.empty()) return true;
    for (auto& s : servers)
        if (s.rfind("tls://", 0) == 0) return true;
    return false;
}

void apply_tls(natsOptions* o, const Auth& a) {
    if (a.tls_cert.empty() != a.tls_key.empty())
        throw ConfigError("a TLS client certificate needs both a certificate and a key",
                          "set both tls.cert and tls.key (or neither)");
    require_file(a.tls_ca, "TLS CA file");
    require_file(a.tls_cert, "TLS certificate");
    require_file(a.tls_key, "TLS key");
    check(natsOptions_SetSecure(o, true), "enable TLS");
    if (!a.tls_ca.empty())
        check(natsOptions_LoadCATrustedCertificates(o, a.tls_ca.c_str()),
              "load TLS CA '" + a.tls_ca + "'");
    if (!a.tls_cert.empty())
        check(natsOptions_LoadCertificatesChain(o, a.tls_cert.c_str(), a.tls_key.c_str()),
              "load TLS certificate '" + a.tls_cert + "'");
}

// The JWT line after the "BEGIN NATS USER JWT" marker: three base64url segments.
bool has_user_jwt(const std::string& text) {
    auto begin = text.find("BEGIN NATS USER JWT");
    if (begin == std::string::npos) return false;
    auto start = text.find('\n', begin);
    if (start == std::string::npos) return false;
    auto end = text.find('\n', start + 1);
    std::string line = text.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return !line.empty() && std::count(line.begin(), line.end(), '.') == 2 &&
           line.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789-_.=") == std::string::npos;
}

// nats.c reports a creds file it cannot use as a failed connection ("is nats-server running?"):
// check it first and name the file and what is wrong with it.
void check_creds_file(const std::string& path) {
    std::string text = util::read_file(path);
    bool jwt = has_user_jwt(text);
    std::fill(text.begin(), text.end(), '\0');
    if (!jwt)
        throw ConfigError("NATS creds file '" + path + "' holds no user JWT",
                          "it needs a '-----BEGIN NATS USER JWT-----' block and a user seed "
                          "(from 'nsc generate creds')");
    std::string seed;
    try {
        seed = read_nkey_seed_file(path);
        nkey_public_from_seed(seed);
    } catch (const ConfigError& e) {
        std::fill(seed.begin(), seed.end(), '\0');
        throw ConfigError("NATS creds file '" + path + "': " + e.what(), e.hint());
    }
    std::fill(seed.begin(), seed.end(), '\0');
}

}  // namespace

std::string auth_method(const Auth& a) {
    if (!a.creds_file.empty()) return "creds";
    if (!a.nkey_seed_file.empty()) return "nkey";
    if (!a.user.empty()) return "user";
    if (!a.token.empty()) return "token";
    return "none";
}

void apply_auth(natsOptions* o, const Auth& a, const std::vector<std::string>& servers) {
    int methods = !a.token.empty() + !a.user.empty() + !a.creds_file.empty() +
                  !a.nkey_seed_file.empty();
    if (methods > 1)
        throw ConfigError("more than one NATS auth method is configured (token, user, creds, "
                          "nkey)",
                          "keep one; 'aegis config show' tells where each comes from");
    if (!a.password.empty() && a.user.empty())
        throw ConfigError("a NATS password is set without a user", "set auth.user too");
    if (!a.token.empty()) check(natsOptions_SetToken(o, a.token.c_str()), "set token");
    if (!a.user.empty())
        check(natsOptions_SetUserInfo(o, a.user.c_str(), a.password.c_str()), "set user");
    if (!a.creds_file.empty()) {
        require_file(a.creds_file, "NATS creds file");
        check_creds_file(a.creds_file);
        check(natsOptions_SetUserCredentialsFromFiles(o, a.creds_file.c_str(), nullptr),
              "load creds file '" + a.creds_file + "'");
    }
    if (!a.nkey_seed_file.empty()) {
        // nats.c signs the server's nonce with the seed but must also send the public key,
        // which it cannot derive itself: we do (a creds-file helper would demand a JWT).
        require_file(a.nkey_seed_file, "nkey seed file");
        std::string seed = read_nkey_seed_file(a.nkey_seed_file);
        std::string pub = nkey_public_from_seed(seed);
        std::fill(seed.begin(), seed.end(), '\0');
        check(natsOptions_SetNKeyFromSeed(o, pub.c_str(), a.nkey_seed_file.c_str()),
              "load nkey seed '" + a.nkey_seed_file + "'");
    }
    if (wants_tls(a, servers)) apply_tls(o, a);
}

}  // namespace aegis::nats
