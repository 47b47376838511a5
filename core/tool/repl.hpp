#pragma once
// The logic of the interactive client (`aegis call -i`): parsing a line, completing service and
// method names from the live registry and $SRV.INFO, and describing NOT_ACTIVE answers. The
// loop and the printing live in commands/call_repl.cpp.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/output/line_editor.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/json.hpp"

namespace aegis::nats {
class Connection;
}
namespace aegis::registry {
class Registry;
}

namespace aegis::tool {

enum class ReplVerb { empty, call, services, instances, json, timeout, format, help, clear, quit };

struct ReplLine {
    ReplVerb verb = ReplVerb::empty;
    std::string service;
    std::string method;
    Json params = Json::object();
    std::string arg;  // instances SERVICE, :timeout SECONDS, :json on|off, :format msgpack|json
};

// "call SERVICE METHOD [JSON | key=value ...]", or the short form "SERVICE METHOD ..." when the
// first word is not a command. Throws UsageError for unknown commands or missing names and
// DataError for params that are not valid JSON.
ReplLine parse_repl_line(const std::string& line);

// Shell-like words: whitespace separates, '...' and "..." quote, a backslash escapes.
std::vector<std::string> split_words(std::string_view text);

const std::vector<std::string>& repl_command_words();
std::string repl_help();

// A NOT_ACTIVE answer in any shape of docs/protocol.md §3.6, described for people.
struct NotActiveInfo {
    std::string shape;    // "envelope error", "single-active result", "error_code"
    std::string message;  // what the standby said
};
std::optional<NotActiveInfo> describe_not_active(const wire::RpcResponse& response);

// Service and method names for Tab completion: services from the registry (cached 3 s),
// methods from $SRV.INFO.<service> (cached 10 s; Python services have none to offer).
// `max_wait` bounds one $SRV.INFO gathering (shell completion has a few hundred ms in all).
class NameSource {
public:
    explicit NameSource(std::shared_ptr<nats::Connection> conn,
                        std::chrono::milliseconds max_wait = std::chrono::milliseconds(1000));
    ~NameSource();
    std::vector<std::string> services(bool single_active_only = false);
    std::vector<std::string> methods(const std::string& service);
    output::Completion complete(const std::string& line, size_t cursor);

private:
    using Clock = std::chrono::steady_clock;
    std::shared_ptr<nats::Connection> m_conn;
    std::chrono::milliseconds m_max_wait;
    std::unique_ptr<registry::Registry> m_registry;
    std::vector<std::string> m_services;
    Clock::time_point m_services_at{};
    std::map<std::string, std::pair<Clock::time_point, std::vector<std::string>>> m_methods;
};

}  // namespace aegis::tool
