#include "tests/support/nats_jwt.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/nats/nkeys.hpp"
#include "core/util/uuid.hpp"

namespace aegis::test {

namespace {

using JwtJson = nlohmann::json;  // JWT claims: plain (sorted) JSON

std::string jwt(const JwtJson& claims_in, const nats::NkeyPair& issuer) {
    JwtJson claims = claims_in;
    claims["jti"] = util::random_hex(32);
    claims["iat"] = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    claims["iss"] = issuer.public_key;
    std::string head = nats::base64url(R"({"typ":"JWT","alg":"ed25519-nkey"})");
    std::string body = nats::base64url(claims.dump());
    std::string signing = head + "." + body;
    return signing + "." + nats::base64url(nats::nkey_sign(issuer.seed, signing));
}

std::string user_jwt(const nats::NkeyPair& account, const nats::NkeyPair& user) {
    return jwt({{"sub", user.public_key},
                {"name", "aegis-test-user"},
                {"nats",
                 {{"pub", JwtJson::object()},
                  {"sub", JwtJson::object()},
                  {"subs", -1},
                  {"data", -1},
                  {"payload", -1},
                  {"type", "user"},
                  {"version", 2}}}},
               account);
}

std::string creds(const std::string& user_jwt, const std::string& seed) {
    return "-----BEGIN NATS USER JWT-----\n" + user_jwt +
           "\n------END NATS USER JWT------\n\n"
           "************************* IMPORTANT *************************\n"
           "NKEY Seed printed below can be used to sign and prove identity.\n"
           "NKEYs are sensitive and should be treated as secrets.\n\n"
           "-----BEGIN USER NKEY SEED-----\n" + seed +
           "\n------END USER NKEY SEED------\n\n"
           "*************************************************************\n";
}

}  // namespace

OperatorAuth write_operator_auth(const std::string& dir) {
    auto op = nats::nkey_create('O');
    auto acc = nats::nkey_create('A');
    auto user = nats::nkey_create('U');
    auto stranger_acc = nats::nkey_create('A');
    auto stranger = nats::nkey_create('U');
    std::string op_jwt = jwt({{"sub", op.public_key},
                              {"name", "aegis-test-operator"},
                              {"nats", {{"type", "operator"}, {"version", 2}}}},
                             op);
    JwtJson limits = {{"subs", -1}, {"data", -1},    {"payload", -1}, {"imports", -1},
                   {"exports", -1}, {"wildcards", true}, {"conn", -1}, {"leaf", -1}};
    std::string acc_jwt = jwt({{"sub", acc.public_key},
                               {"name", "AEGIS_TEST"},
                               {"nats", {{"limits", limits}, {"type", "account"}, {"version", 2}}}},
                              op);
    OperatorAuth out;
    out.server_config = dir + "/operator.conf";
    out.creds_file = dir + "/user.creds";
    out.other_creds = dir + "/stranger.creds";
    std::ofstream(dir + "/op.jwt") << op_jwt << "\n";
    std::ofstream(out.server_config)
        << "operator: \"" << dir << "/op.jwt\"\nresolver: MEMORY\nresolver_preload: {\n  "
        << acc.public_key << ": \"" << acc_jwt << "\"\n}\n";
    std::ofstream(out.creds_file) << creds(user_jwt(acc, user), user.seed);
    std::ofstream(out.other_creds) << creds(user_jwt(stranger_acc, stranger), stranger.seed);
    return out;
}

}  // namespace aegis::test
