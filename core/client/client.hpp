#pragma once
// RPC client: call SERVICE METHOD with params; distinct errors for no responders (69),
// timeout (75) and a remote error (1).
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/wire/envelope.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis {

struct CallOptions {
    std::chrono::milliseconds timeout{5000};
    wire::Format format = wire::Format::msgpack;
    std::optional<std::string> source;      // e.g. the caller's instance id
    std::optional<std::string> message_id;  // keep one id across retries
};

struct CallResult {
    wire::RpcResponse response;
    wire::Format response_format = wire::Format::msgpack;
    std::chrono::nanoseconds rtt{0};
    std::string subject;
    std::string message_id;       // of the request
    std::optional<std::string> instance;  // who answered (Aegis-Instance header or result)
};

class Client {
public:
    explicit Client(std::shared_ptr<nats::Connection> conn);

    // One request/reply. Throws NoRespondersError, TimeoutError, UnavailableError, DataError
    // (an unreadable reply); a reply with success=false is returned, not thrown.
    CallResult call_raw(const std::string& service, const std::string& method, const Json& params,
                        const CallOptions& options = {}) const;
    // The result, or RemoteError carrying the service's error text.
    Json call(const std::string& service, const std::string& method, const Json& params,
              const CallOptions& options = {}) const;

    nats::Connection& connection() const { return *m_conn; }

private:
    std::shared_ptr<nats::Connection> m_conn;
};

// The encoded request bytes for a call (shared with the async load generator).
std::string encode_request(const std::string& service, const std::string& method,
                           const Json& params, const CallOptions& options,
                           std::string* message_id = nullptr);
// Who answered: the Aegis-Instance header, else result.instance_id / result.instance.
std::optional<std::string> answering_instance(const std::optional<std::string>& header,
                                              const Json& result);

}  // namespace aegis
