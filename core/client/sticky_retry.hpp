#pragma once
// Calling a single-active (sticky) service: recognise every NOT_ACTIVE shape of docs/protocol.md §3.6,
// retry with the backoff of §3.7 (attempts = total attempts, same message_id on every attempt),
// and report how many attempts a call took.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/client.hpp"

namespace aegis {

struct RetryPolicy {
    int attempts = 3;  // total attempts (Python's max_retries counts the same way)
    std::chrono::milliseconds initial_delay{100};
    double multiplier = 2.0;
    std::chrono::milliseconds max_delay{5000};
    double jitter = 0.1;              // ± this fraction of the delay, uniformly
    bool retry_no_responders = true;  // a failover without standby subscriptions looks like this
    bool retry_timeouts = false;      // off: a timed-out call may have run (not idempotent)
    // OVERLOADED and SHUTTING_DOWN answers (the request did not run): retried after the
    // backoff, and the queue group may hand the retry to another instance.
    bool retry_refusals = true;
    // Substrings of the envelope error that mark a retryable answer (Python: ["NOT_ACTIVE"]).
    std::vector<std::string> retryable_errors{"NOT_ACTIVE"};

    // The wait before attempt `n` (0-based: attempt 0 waits nothing): initial × multiplier^(n−1),
    // capped at max_delay, plus jitter drawn from `unit` ∈ [0, 1) (0.5 = none), floored at 0.
    std::chrono::milliseconds delay_before(int n, double unit) const;
    std::chrono::milliseconds delay_before(int n) const;  // with a random draw
    // UsageError for values outside the Python ranges (attempts 1–10 … see the .cpp).
    void validate() const;
};

enum class AttemptOutcome {
    success,
    not_active,
    no_responders,
    timeout,
    remote_error,
    overloaded,     // the method's queue was full: answered at once, not run
    shutting_down,  // the instance was stopping: not run
};
const char* outcome_name(AttemptOutcome o) noexcept;

// Every NOT_ACTIVE shape: envelope error containing NOT_ACTIVE / "not the active instance";
// result {"success":false,"error":"NOT_ACTIVE",…} (G6); result or reply with
// "error_code":"NOT_ACTIVE" (scaffold template, failover_tester.py). `reply` is the decoded
// reply document (a raw JSON reply without an envelope counts too).
bool is_not_active(const Json& reply);
bool is_not_active(const wire::RpcResponse& response);
// What one reply means for a sticky call (retryable_errors are matched on the envelope error).
AttemptOutcome classify_reply(const Json& reply, const RetryPolicy& policy);
// The Python exclusive wrapper (G7) {"success":true,"error":null,"message":null,"result":R} → R;
// anything else is returned unchanged. EXECUTION_ERROR wrappers throw RemoteError.
Json unwrap_exclusive(const Json& result);

struct AttemptRecord {
    AttemptOutcome outcome = AttemptOutcome::success;
    std::chrono::nanoseconds took{0};
    std::optional<std::string> instance;  // who answered
    std::string error;                    // empty on success
};

struct StickyResult {
    bool ok = false;
    AttemptOutcome outcome = AttemptOutcome::success;  // of the last attempt
    std::string message_id;                            // the same on every attempt
    std::vector<AttemptRecord> attempts;
    std::optional<wire::RpcResponse> response;  // the last reply, when one came
    Json result;                                // unwrapped (G7), when ok
    std::chrono::nanoseconds elapsed{0};        // first send to final answer, waits included
    int attempt_count() const noexcept { return static_cast<int>(attempts.size()); }
};

class StickyClient {
public:
    explicit StickyClient(std::shared_ptr<nats::Connection> conn, RetryPolicy policy = {});

    // Never throws for an outcome (ok=false carries it); throws UsageError for bad arguments
    // and UnavailableError when the connection is gone.
    StickyResult call_raw(const std::string& service, const std::string& method, const Json& params,
                          const CallOptions& options = {}) const;
    // The result, or: RemoteError (the service's error), NoRespondersError, TimeoutError,
    // UnavailableError (NOT_ACTIVE on every attempt), each naming the attempts made.
    Json call(const std::string& service, const std::string& method, const Json& params,
              const CallOptions& options = {}) const;

    const RetryPolicy& policy() const noexcept { return m_policy; }

private:
    std::shared_ptr<nats::Connection> m_conn;
    RetryPolicy m_policy;
};

}  // namespace aegis
