#pragma once
// Service and method names for shell completion (`aegis completion --services`, `--methods S`):
// one short-lived connection under a time budget, reusing the REPL's NameSource. Never throws
// and never starts anything (no kubectl, no port-forward): when NATS cannot be reached in time
// the list is simply empty, because a TAB must never print an error.
#include <chrono>
#include <string>
#include <vector>

namespace aegis::config {
struct SdkConfig;
}

namespace aegis::tool {

inline constexpr std::chrono::milliseconds k_shell_names_budget{300};

// Service names in the registry, sorted; `single_active`: only services whose instances run an
// election (a sticky-active group), the ones `aegis failover` can measure.
std::vector<std::string> shell_service_names(
    const config::SdkConfig& config, bool single_active = false,
    std::chrono::milliseconds budget = k_shell_names_budget);
// The methods `service` lists in $SRV.INFO, sorted (Python services list none).
std::vector<std::string> shell_method_names(
    const config::SdkConfig& config, const std::string& service,
    std::chrono::milliseconds budget = k_shell_names_budget);

}  // namespace aegis::tool
