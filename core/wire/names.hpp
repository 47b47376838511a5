#pragma once
// Name rules (docs/protocol.md §12.1) and subject / key builders. Validators return an empty string
// when the name is fine, else a one-line reason ("service name 'X' ...: must match ...").
#include <string>
#include <string_view>

namespace aegis::wire {

std::string check_service_name(std::string_view name);   // ^[a-z][a-z0-9-]{1,62}[a-z0-9]$, no -- __
std::string check_instance_id(std::string_view id);      // ^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$, no __
std::string check_method_name(std::string_view method);  // ^[a-zA-Z][a-zA-Z0-9_]*$
std::string check_group_id(std::string_view group);      // ^[a-z0-9][a-z0-9_-]*$
// events.<token>(.<token>)*: tokens [a-zA-Z][a-zA-Z0-9-_]*, '*', or '>' (last only)
std::string check_event_pattern(std::string_view pattern);
// Throwing forms (UsageError) for API entry points.
void require_service_name(std::string_view name);
void require_instance_id(std::string_view id);
void require_method_name(std::string_view method);

std::string rpc_subject(std::string_view service, std::string_view method);  // rpc.<s>.<m>
std::string rpc_queue(std::string_view service);                             // rpc.<s>
std::string event_subject(std::string_view domain, std::string_view type);   // events.<d>.<t>
std::string command_subject(std::string_view service, std::string_view cmd); // commands.<s>.<c>
std::string command_progress_subject(std::string_view command_id);
std::string command_callback_subject(std::string_view command_id);

inline constexpr const char* k_registry_bucket = "service_registry";
inline constexpr const char* k_registry_prefix = "service-instances__";
std::string registry_key(std::string_view service, std::string_view instance);
std::string registry_service_prefix(std::string_view service);  // service-instances__<s>__
// Parse a registry key; false when it is not an instance key.
bool parse_registry_key(std::string_view key, std::string& service, std::string& instance);
std::string election_bucket(std::string_view service);  // election_<s with - -> _>
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
