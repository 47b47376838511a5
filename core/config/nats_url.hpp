#pragma once
// Which NATS URL to use. For now: explicit → AEGIS_NATS_URL → NATS_URL → nats://localhost:4222.
// (Kubernetes-aware "auto" resolution extends this.)
#include <string>

namespace aegis::config {

struct ResolvedUrl {
    std::string url;
    std::string source;  // "flag", "env AEGIS_NATS_URL", "env NATS_URL", "default"
};

ResolvedUrl resolve_nats_url(const std::string& explicit_url = {});

}  // namespace aegis::config
