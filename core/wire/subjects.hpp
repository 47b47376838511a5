#pragma once
// The one place a NATS subject or KV bucket name is built from a name. nats.c writes a subject
// into the protocol line as it is given: a CR/LF in a name starts a second protocol command (a
// publish nobody asked for), a space, '.', '*' or '>' changes which subject it is or widens it to
// a wildcard, and an empty or over-long token makes the server drop the connection. So every
// builder checks each name against its rule (core/wire/names.hpp) and throws InvalidNameError (a
// UsageError: exit 2 for a name from the command line) before anything is sent.
#include <string>
#include <string_view>

namespace aegis::wire {

// Throws InvalidNameError when `name` breaks check_target_name; `kind` starts the message.
void require_target_name(std::string_view kind, std::string_view name);

// rpc.<service>.<method>: a service (or, as Python allows, an instance id) of check_target_name
// and a method of check_method_name. require_rpc_names is the same check without the string.
std::string rpc_subject(std::string_view service, std::string_view method);
void require_rpc_names(std::string_view service, std::string_view method);
std::string rpc_queue(std::string_view service);  // rpc.<service>
// events.<domain>.<type>: each of check_event_part (dots inside them add tokens, as in Python).
std::string event_subject(std::string_view domain, std::string_view type);
// A subscription pattern (check_event_pattern): '*' and '>' only as whole tokens.
std::string event_pattern_subject(std::string_view pattern);
std::string command_subject(std::string_view service, std::string_view cmd);  // commands.<s>.<c>
// commands.progress|callback.<id>: the id comes from the command's sender, i.e. the network.
std::string command_progress_subject(std::string_view command_id);
std::string command_callback_subject(std::string_view command_id);
std::string election_bucket(std::string_view service);  // election_<service with - -> _>
// $KV.<bucket>.<key> (check_bucket_name, check_kv_key).
std::string kv_subject(std::string_view bucket, std::string_view key);
// Throwing forms of check_bucket_name / check_kv_key for the KV layer.
void require_bucket_name(std::string_view bucket);
void require_kv_key(std::string_view key);

// The last guard before nats.c: true when `subject` can stand on a protocol line at all (not
// empty, at most 4000 bytes, no byte at or below ' ' and no DEL). Builders are stricter.
bool sendable_subject(std::string_view subject) noexcept;
// Throws InvalidNameError unless sendable_subject(subject).
void require_sendable_subject(std::string_view subject);

}  // namespace aegis::wire
