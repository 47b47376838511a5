#include "core/client/sticky_retry.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <string>

#include <algorithm>
#include <cmath>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/names.hpp"
#include "core/wire/rpc_errors.hpp"
#include "core/util/text.hpp"

namespace aegis {

using std::chrono::milliseconds;

std::chrono::milliseconds RetryPolicy::delay_before(int n, double unit) const {
    if (n <= 0) return milliseconds(0);
    double base = static_cast<double>(initial_delay.count()) * std::pow(multiplier, n - 1);
    base = std::min(base, static_cast<double>(max_delay.count()));
    double d = base + (unit * 2.0 - 1.0) * base * jitter;
    return milliseconds(static_cast<int64_t>(std::max(0.0, std::round(d))));
}

std::chrono::milliseconds RetryPolicy::delay_before(int n) const {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return delay_before(n, std::uniform_real_distribution<double>(0.0, 1.0)(rng));
}

void RetryPolicy::validate() const {
    // The ranges of Python's RetryPolicy (docs/protocol.md §3.7), except that up to 20 attempts are
    // allowed: a crash failover needs a longer retry budget than a clean one.
    if (attempts < 1 || attempts > 20) throw UsageError("retry attempts must be 1–20");
    if (initial_delay < milliseconds(1) || initial_delay > milliseconds(10000))
        throw UsageError("retry initial delay must be 1 ms – 10 s");
    if (multiplier < 1.0 || multiplier > 10.0)
        throw UsageError("retry backoff multiplier must be 1–10");
    if (max_delay < initial_delay) throw UsageError("retry max delay must be ≥ the initial delay");
    if (jitter < 0.0 || jitter > 1.0) throw UsageError("retry jitter must be 0–1");
}

const char* outcome_name(AttemptOutcome o) noexcept {
    switch (o) {
        case AttemptOutcome::success:
            return "success";
        case AttemptOutcome::not_active:
            return "not_active";
        case AttemptOutcome::no_responders:
            return "no_responders";
        case AttemptOutcome::timeout:
            return "timeout";
        case AttemptOutcome::remote_error:
            return "remote_error";
        case AttemptOutcome::overloaded:
            return "overloaded";
        case AttemptOutcome::shutting_down:
            return "shutting_down";
    }
    return "?";
}

namespace {

bool contains_ci(const std::string& hay, const std::string& needle) {
    return util::to_lower(hay).find(util::to_lower(needle)) != std::string::npos;
}

bool string_is(const Json& obj, const char* key, const char* value) {
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() && it->get<std::string>() == value;
}

bool not_active_text(const std::string& error) {
    return error.find("NOT_ACTIVE") != std::string::npos ||
           contains_ci(error, "not the active instance");
}

// The inner shapes: G6 (success false + error NOT_ACTIVE) and the scaffold's error_code.
bool not_active_map(const Json& v) {
    if (!v.is_object()) return false;
    if (string_is(v, "error_code", "NOT_ACTIVE")) return true;
    auto s = v.find("success");
    return string_is(v, "error", "NOT_ACTIVE") && (s == v.end() || *s == false);
}

}  // namespace

bool is_not_active(const wire::RpcResponse& r) {
    if (!r.success && r.error && not_active_text(*r.error)) return true;
    return not_active_map(r.result);
}

bool is_not_active(const Json& reply) {
    if (!reply.is_object()) return false;
    if (string_is(reply, "error_code", "NOT_ACTIVE")) return true;  // a raw, non-envelope reply
    auto err = reply.find("error");
    if (err != reply.end() && err->is_string() && reply.value("success", true) == false &&
        not_active_text(err->get<std::string>()))
        return true;
    auto res = reply.find("result");
    return res != reply.end() && not_active_map(*res);
}

AttemptOutcome classify_reply(const Json& reply, const RetryPolicy& policy) {
    if (is_not_active(reply)) return AttemptOutcome::not_active;
    if (reply.is_object() && reply.value("success", true) == false) {
        auto err = reply.find("error");
        std::string text = err != reply.end() && err->is_string() ? err->get<std::string>() : "";
        if (wire::is_overloaded(text)) return AttemptOutcome::overloaded;
        if (wire::is_shutting_down(text)) return AttemptOutcome::shutting_down;
        for (const auto& r : policy.retryable_errors)
            if (!r.empty() && text.find(r) != std::string::npos) return AttemptOutcome::not_active;
        return AttemptOutcome::remote_error;
    }
    return AttemptOutcome::success;
}

Json unwrap_exclusive(const Json& result) {
    if (!result.is_object() || result.size() != 4 || !result.contains("success") ||
        !result.contains("error") || !result.contains("message") || !result.contains("result"))
        return result;
    if (result["success"] == true) return result["result"];
    if (string_is(result, "error", "EXECUTION_ERROR")) {
        const Json& m = result["message"];
        throw RemoteError("the exclusive method failed: " +
                          (m.is_string() ? m.get<std::string>() : std::string("unknown error")));
    }
    return result;
}

StickyClient::StickyClient(std::shared_ptr<nats::Connection> conn, RetryPolicy policy)
    : m_conn(std::move(conn)), m_policy(std::move(policy)) {
    m_policy.validate();
}

namespace {

// One attempt: send, wait, classify. Transport failures become outcomes, not exceptions.
AttemptRecord attempt(nats::Connection& conn, const std::string& subject,
                      const std::string& payload, std::chrono::milliseconds timeout,
                      const RetryPolicy& policy, std::optional<wire::RpcResponse>& response,
                      Json& result) {
    AttemptRecord rec;
    auto t0 = std::chrono::steady_clock::now();
    try {
        nats::Msg reply = conn.request(subject, payload, timeout);
        Json doc = wire::decode(reply.data());
        rec.outcome = classify_reply(doc, policy);
        try {
            response = wire::rpc_response_from(doc);
        } catch (const DataError&) {
            response.reset();  // a raw reply (e.g. {"error_code":"NOT_ACTIVE"}), no envelope
        }
        Json inner = response ? response->result : Json();
        rec.instance = answering_instance(reply.header("Aegis-Instance"), inner);
        if (rec.outcome == AttemptOutcome::success) {
            result = unwrap_exclusive(inner);
        } else {
            rec.error = response && response->error ? *response->error : "NOT_ACTIVE";
            if (rec.outcome == AttemptOutcome::not_active && inner.is_object() &&
                inner.contains("message") && inner["message"].is_string())
                rec.error = "NOT_ACTIVE: " + inner["message"].get<std::string>();
        }
    } catch (const NoRespondersError&) {
        rec.outcome = AttemptOutcome::no_responders;
        rec.error = "no responders";
    } catch (const TimeoutError&) {
        rec.outcome = AttemptOutcome::timeout;
        rec.error = "timed out after " + std::to_string(timeout.count()) + " ms";
    } catch (const RemoteError& e) {  // an EXECUTION_ERROR wrapper
        rec.outcome = AttemptOutcome::remote_error;
        rec.error = e.what();
    } catch (const DataError& e) {
        rec.outcome = AttemptOutcome::remote_error;
        rec.error = std::string("unreadable reply: ") + e.what();
    }
    rec.took = std::chrono::steady_clock::now() - t0;
    return rec;
}

bool retryable(AttemptOutcome o, const RetryPolicy& p) {
    switch (o) {
        case AttemptOutcome::not_active:
            return true;
        case AttemptOutcome::no_responders:
            return p.retry_no_responders;
        case AttemptOutcome::timeout:
            return p.retry_timeouts;
        case AttemptOutcome::overloaded:
        case AttemptOutcome::shutting_down:
            return p.retry_refusals;
        default:
            return false;
    }
}

}  // namespace

StickyResult StickyClient::call_raw(const std::string& service, const std::string& method,
                                    const Json& params, const CallOptions& options) const {
    if (!params.is_null() && !params.is_object()) throw UsageError("params must be a JSON object");
    CallOptions o = options;
    if (!o.message_id) o.message_id = util::uuid4();  // kept across attempts
    StickyResult out;
    out.message_id = *o.message_id;
    const std::string subject = wire::rpc_subject(service, method);
    // Python re-sends the very same request object on every attempt: same bytes here too.
    const std::string payload = encode_request(service, method, params, o);
    auto start = std::chrono::steady_clock::now();
    for (int n = 0; n < m_policy.attempts; ++n) {
        if (n > 0) std::this_thread::sleep_for(m_policy.delay_before(n));
        auto rec =
            attempt(*m_conn, subject, payload, o.timeout, m_policy, out.response, out.result);
        out.outcome = rec.outcome;
        out.attempts.push_back(std::move(rec));
        if (out.outcome == AttemptOutcome::success) {
            out.ok = true;
            break;
        }
        if (!retryable(out.outcome, m_policy)) break;
    }
    out.elapsed = std::chrono::steady_clock::now() - start;
    return out;
}

Json StickyClient::call(const std::string& service, const std::string& method, const Json& params,
                        const CallOptions& options) const {
    auto r = call_raw(service, method, params, options);
    if (r.ok) return std::move(r.result);
    const int n = r.attempt_count();
    const std::string tries = fmt::format("after {} attempt{}", n, n == 1 ? "" : "s");
    const std::string what = "'" + service + "." + method + "'";
    const std::string& last = r.attempts.back().error;
    switch (r.outcome) {
        case AttemptOutcome::not_active:
            throw UnavailableError(what + " found no active instance " + tries + " (" + last + ")",
                                   "a failover may be in progress; try again or 'aegis explore'");
        case AttemptOutcome::no_responders:
            throw NoRespondersError(
                "no responders for 'rpc." + service + "." + method + "' " + tries,
                "is '" + service + "' running? try 'aegis explore'");
        case AttemptOutcome::timeout:
            throw TimeoutError(what + " did not answer " + tries, "raise the timeout");
        case AttemptOutcome::overloaded:
        case AttemptOutcome::shutting_down:
            throw UnavailableError(what + " was refused " + tries + " (" + last + ")",
                                   "the service is overloaded or stopping; try again later");
        default:
            throw RemoteError(what + " failed: " + last);
    }
}

}  // namespace aegis
