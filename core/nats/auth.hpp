#pragma once
// Applies Auth (token, user/password, creds, nkey seed, TLS) to nats.c options. Internal to
// core/nats; everything it throws names files, never secrets.
#include <string>
#include <vector>

#include "core/nats/connection.hpp"

typedef struct __natsOptions natsOptions;

namespace aegis::nats {

// ConfigError for conflicting or incomplete settings, NoInputError for a missing file.
void apply_auth(natsOptions* options, const Auth& auth, const std::vector<std::string>& servers);
// Which method Auth selects: "token", "user", "creds", "nkey" or "none" (for reports).
std::string auth_method(const Auth& auth);

}  // namespace aegis::nats
