#pragma once
// One NATS connection of a load run with many calls in flight: one wildcard inbox subscription
// and a reply subject per call (nats.c has no async request API), correlated by
// client::PendingReplies as in client::AsyncCaller. Unlike AsyncCaller it carries each call's
// intended send time and attempt number, and reads the error-code header, which the report
// needs; replies are classified here, the decisions are the engine's.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/client/pending_replies.hpp"
#include "core/load/recorder.hpp"

namespace aegis::nats {
class Connection;
class Msg;
}  // namespace aegis::nats

namespace aegis::load {

using Clock = std::chrono::steady_clock;

struct Call {
    uint64_t seq = 0;
    bool measured = false;        // sent after the warm-up
    Clock::time_point intended;   // latency is measured from here
    int attempt = 0;              // 0 = first try
    std::shared_ptr<const std::string> payload;  // kept for a NOT_ACTIVE retry (same message_id)
};

class Lane {
public:
    // `done` runs on the lane's reply thread, or in expire() for timeouts.
    using Done = std::function<void(Lane&, Call&&, Completion&&)>;
    Lane(std::shared_ptr<nats::Connection> conn, std::string subject, Done done);
    ~Lane();
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    // Publishes the call; a publish failure completes it at once as "other".
    void send(Call&& call, std::chrono::milliseconds timeout);
    void expire(Clock::time_point now);  // completes every call past its deadline as a timeout
    void close();  // stops receiving (callbacks done); pending calls are dropped

private:
    void on_reply(nats::Msg& msg);
    std::shared_ptr<nats::Connection> m_conn;
    std::string m_subject;
    Done m_done;
    client::PendingReplies<Call> m_pending;
    struct Sub;
    std::unique_ptr<Sub> m_sub;
};

}  // namespace aegis::load
