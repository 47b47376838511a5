// Checked subject and bucket builders: every name is checked against its rule before it becomes
// part of a subject (see subjects.hpp for why).
#include "core/wire/subjects.hpp"
#include <string>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::wire {
namespace {

constexpr std::size_t k_max_subject = 4000;  // below nats-server's 4 KB control line

void require_ok(const std::string& why) {
    if (!why.empty()) throw InvalidNameError(why);
}

}  // namespace

void require_target_name(std::string_view kind, std::string_view name) {
    require_ok(check_target_name(kind, name));
}

void require_bucket_name(std::string_view bucket) { require_ok(check_bucket_name(bucket)); }

void require_kv_key(std::string_view key) { require_ok(check_kv_key(key)); }

void require_rpc_names(std::string_view service, std::string_view method) {
    require_target_name("service name", service);
    require_ok(check_method_name(method));
}

std::string rpc_subject(std::string_view service, std::string_view method) {
    require_rpc_names(service, method);
    return fmt::format("rpc.{}.{}", service, method);
}

std::string rpc_queue(std::string_view service) {
    require_target_name("service name", service);
    return fmt::format("rpc.{}", service);
}

std::string event_subject(std::string_view domain, std::string_view type) {
    require_ok(check_event_part("event domain", domain));
    require_ok(check_event_part("event type", type));
    return fmt::format("events.{}.{}", domain, type);
}

std::string event_pattern_subject(std::string_view pattern) {
    require_ok(check_event_pattern(pattern));
    return std::string(pattern);
}

std::string command_subject(std::string_view service, std::string_view cmd) {
    require_target_name("service name", service);
    require_target_name("command name", cmd);
    return fmt::format("commands.{}.{}", service, cmd);
}

std::string command_progress_subject(std::string_view command_id) {
    require_target_name("command id", command_id);
    return fmt::format("commands.progress.{}", command_id);
}

std::string command_callback_subject(std::string_view command_id) {
    require_target_name("command id", command_id);
    return fmt::format("commands.callback.{}", command_id);
}

std::string election_bucket(std::string_view service) {
    require_target_name("service name", service);
    std::string out = fmt::format("election_{}", service);
    for (char& c : out)
        if (c == '-') c = '_';
    require_bucket_name(out);  // the prefix may take it past the length bound
    return out;
}

std::string kv_subject(std::string_view bucket, std::string_view key) {
    require_bucket_name(bucket);
    require_kv_key(key);
    return fmt::format("$KV.{}.{}", bucket, key);
}

bool sendable_subject(std::string_view subject) noexcept {
    if (subject.empty() || subject.size() > k_max_subject) return false;
    for (char c : subject) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return false;
    }
    return true;
}

void require_sendable_subject(std::string_view subject) {
    if (sendable_subject(subject)) return;
    std::string shown;
    for (char c : subject.substr(0, 80)) {
        const auto u = static_cast<unsigned char>(c);
        shown.push_back(u < 0x20 || u == 0x7f ? '?' : c);
    }
    throw InvalidNameError(fmt::format("'{}'{} cannot be a NATS subject ({} bytes; no spaces or "
                                       "control characters)",
                                       shown, subject.size() > 80 ? "..." : "", subject.size()));
}

}  // namespace aegis::wire
