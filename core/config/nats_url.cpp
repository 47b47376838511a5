#include "core/config/nats_url.hpp"

#include <cstdlib>

namespace aegis::config {

ResolvedUrl resolve_nats_url(const std::string& explicit_url) {
    if (!explicit_url.empty() && explicit_url != "auto") return {explicit_url, "flag"};
    for (const char* var : {"AEGIS_NATS_URL", "NATS_URL"}) {
        const char* v = std::getenv(var);
        if (v && *v && std::string(v) != "auto") return {v, std::string("env ") + var};
    }
    return {"nats://localhost:4222", "default"};
}

}  // namespace aegis::config
