#pragma once
// Open-model calls for `aegis failover`: a new call every 1/rate seconds whatever the previous
// ones are doing, each retried with the sticky-active policy (same message_id, backoff of
// docs/protocol.md §3.7), many in flight at once. nats.c has no async request API, so every attempt
// publishes with its own reply subject <inbox>.<call>.<attempt> under one wildcard inbox; late
// replies still arrive there, which is how a message id served twice is seen.
#include <condition_variable>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/scenario/failover_analysis.hpp"
#include "core/service/history_recorder.hpp"

namespace aegis::scenario {

struct DriverOptions {
    std::string service;
    std::string method = "echo";
    Json params = Json::object();
    double rate = 50;                         // calls per second
    std::chrono::milliseconds timeout{1000};  // per attempt
    RetryPolicy retry;
    wire::Format format = wire::Format::msgpack;
    // When set, every call's first successful reply is recorded as an "ack" (with the reply's
    // order_id, when it has one) for the history checker.
    std::shared_ptr<service::HistoryRecorder> history;
};

class CallDriver {
public:
    CallDriver(std::shared_ptr<nats::Connection> conn, DriverOptions options);
    ~CallDriver();
    CallDriver(const CallDriver&) = delete;
    CallDriver& operator=(const CallDriver&) = delete;

    // Records acknowledged calls to `history` from now on (call before start()).
    void record_to(std::shared_ptr<service::HistoryRecorder> history);
    void start();
    void stop_issuing();
    // Waits until no call is pending (false when `max_wait` passed first).
    bool wait_idle(std::chrono::milliseconds max_wait);
    void stop();

    std::vector<CallRecord> snapshot() const;
    // The latest successful reply, and the first one at or after `t` from anyone but `not`.
    std::optional<Reply> last_success() const;
    std::optional<Reply> first_success_after(Mono t, const std::string& not_instance) const;
    // The last successful reply from `instance` before `t`.
    std::optional<Reply> last_success_from(const std::string& instance, Mono before) const;

private:
    struct Live {
        std::string payload;  // the request bytes, identical on every attempt
        int attempt = -1;     // the attempt in flight (or scheduled)
        bool waiting = false;
    };
    struct Timer {
        Mono due;
        size_t call;
        int attempt;
        bool deadline;  // true: the attempt's timeout; false: send it
        bool operator>(const Timer& o) const { return due > o.due; }
    };
    void loop();
    void issue(Mono now);
    void send(size_t call, int attempt);
    void on_reply(nats::Msg& msg);
    void settle(size_t call, int attempt, AttemptOutcome outcome, const std::string& error);
    void record_ack(const CallRecord& rec, const Json& reply) noexcept;

    std::shared_ptr<nats::Connection> m_conn;
    DriverOptions m_options;
    std::string m_inbox;
    nats::Subscription m_sub;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<CallRecord> m_calls;
    std::deque<Live> m_live;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> m_timers;
    std::vector<Reply> m_successes;  // arrival order
    size_t m_pending = 0;
    bool m_issuing = false;
    bool m_stop = false;
    Mono m_first_issue{};
    uint64_t m_issued = 0;
    std::thread m_thread;
};

}  // namespace aegis::scenario
