#pragma once
// Many RPCs in flight on one connection: one wildcard inbox subscription (<inbox>.*) and
// per-request reply subjects, since nats.c has no async request API (nats.c 3.4); the
// correlation is PendingReplies (shared with load::Lane).
#include <chrono>
#include <optional>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/client/client.hpp"
#include "core/client/pending_replies.hpp"
#include "core/nats/connection.hpp"

namespace aegis::client {

struct AsyncReply {
    bool ok = false;            // a reply arrived and decoded
    std::string failure;        // "no responders", "timeout" or a decode error when !ok
    wire::RpcResponse response;
    std::optional<std::string> instance;
    std::chrono::nanoseconds rtt{0};
};

class AsyncCaller {
public:
    using Callback = std::function<void(AsyncReply&&)>;
    explicit AsyncCaller(std::shared_ptr<nats::Connection> conn);
    ~AsyncCaller();

    // Sends one request; `done` runs on the delivery thread (or in expire() for timeouts).
    void call(const std::string& service, const std::string& method, const Json& params,
              const CallOptions& options, Callback done);
    // Sends pre-encoded request bytes (benchmarks, load tests).
    void send(std::string_view subject, std::string_view payload,
              std::chrono::milliseconds timeout, Callback done);
    // Fails every request older than its timeout; call it periodically.
    void expire();
    size_t in_flight() const;

private:
    struct Pending {
        Callback done;
        std::chrono::steady_clock::time_point sent;
    };
    void on_reply(nats::Msg& msg);
    std::shared_ptr<nats::Connection> m_conn;
    PendingReplies<Pending> m_pending;
    nats::Subscription m_sub;
};

}  // namespace aegis::client
