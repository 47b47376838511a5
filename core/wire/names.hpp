#pragma once
// Name rules (docs/protocol.md §12.1) and registry / election key layouts. Validators return an
// empty string when the name is fine, else a one-line reason ("service name 'X' ...: must match
// ..."). Subjects and bucket names are built (and checked) by core/wire/subjects.hpp.
#include <cstddef>
#include <string>
#include <string_view>

#include "core/wire/subjects.hpp"

namespace aegis::wire {

inline constexpr std::size_t k_max_token = 128;    // one name in a subject
inline constexpr std::size_t k_max_pattern = 255;  // a whole event pattern
inline constexpr std::size_t k_max_key = 1024;     // a KV key

std::string check_service_name(std::string_view name);   // ^[a-z][a-z0-9-]{1,62}[a-z0-9]$, no -- __
std::string check_instance_id(std::string_view id);      // ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$, no __
std::string check_method_name(std::string_view method);  // ^[a-zA-Z][a-zA-Z0-9_]*$
std::string check_group_id(std::string_view group);      // ^[a-z0-9][a-z0-9_-]*$
// events.<token>(.<token>)*: tokens [a-zA-Z][a-zA-Z0-9-_]*, '*', or '>' (last only)
std::string check_event_pattern(std::string_view pattern);
// The looser rules of names this side does not own but must be able to name (a Python service
// may be called "Order_Service", a Python command anything without dots); `kind` starts the
// message ("service name", "command name", ...):
//   a subject token: ^[A-Za-z0-9][A-Za-z0-9_-]*$, 1 to 128 characters
std::string check_target_name(std::string_view kind, std::string_view name);
//   an event domain or type: [a-zA-Z][a-zA-Z0-9-_]* tokens joined by dots, 1 to 128 characters
std::string check_event_part(std::string_view kind, std::string_view part);
//   a KV bucket (NATS's rule): ^[A-Za-z0-9_-]+$, 1 to 128 characters
std::string check_bucket_name(std::string_view bucket);
//   a KV key (NATS's rule): ^[-/_=.A-Za-z0-9]+$, no empty '.'-token, 1 to 1024 characters
std::string check_kv_key(std::string_view key);
// Throwing forms (UsageError) for API entry points.
void require_service_name(std::string_view name);
void require_instance_id(std::string_view id);
void require_method_name(std::string_view method);

inline constexpr const char* k_registry_bucket = "service_registry";
inline constexpr const char* k_registry_prefix = "service-instances__";
std::string registry_key(std::string_view service, std::string_view instance);
std::string registry_service_prefix(std::string_view service);  // service-instances__<s>__
// Parse a registry key; false when it is not an instance key.
bool parse_registry_key(std::string_view key, std::string& service, std::string& instance);
std::string leader_key(std::string_view service, std::string_view group);
// Default instance id: <service>-<8 lowercase hex>.
std::string default_instance_id(std::string_view service);

// The environment variable naming the subject on which single-active instances announce each
// exclusive call they start (SingleActiveOptions::audit_subject; `aegis failover` sets it).
inline constexpr const char* k_audit_env = "AEGIS_AUDIT_SUBJECT";
// The environment variable a service takes its instance id from when it is given none
// (`aegis failover --spawn-cmd` sets it, to know which process holds the lease).
inline constexpr const char* k_instance_id_env = "AEGIS_INSTANCE_ID";

}  // namespace aegis::wire
