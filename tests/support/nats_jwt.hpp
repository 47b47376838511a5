#pragma once
// Test-only NATS decentralised auth: mints an operator, an account and a user (fresh nkeys,
// ed25519-signed JWTs) and writes a nats-server config (MEMORY resolver) plus the user's .creds.
#include <string>

namespace aegis::test {

struct OperatorAuth {
    std::string server_config;  // pass to nats-server -c
    std::string creds_file;     // the user's .creds (JWT + seed)
    std::string other_creds;    // a user of another, unknown account (rejected)
};

OperatorAuth write_operator_auth(const std::string& dir);

}  // namespace aegis::test
