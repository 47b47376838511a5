#include "core/scenario/failover_calls.hpp"
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <charconv>

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

using Clock = std::chrono::steady_clock;

CallDriver::CallDriver(std::shared_ptr<nats::Connection> conn, DriverOptions options)
    : m_conn(std::move(conn)), m_options(std::move(options)) {
    if (m_options.rate <= 0 || m_options.rate > 10000) throw UsageError("--rate must be 0–10000/s");
    m_options.retry.validate();
}

CallDriver::~CallDriver() { stop(); }

void CallDriver::start() {
    m_inbox = m_conn->new_inbox();
    m_sub = m_conn->subscribe(m_inbox + ".*.*", [this](nats::Msg& m) { on_reply(m); });
    m_conn->flush();
    std::lock_guard lk(m_mutex);
    m_issuing = true;
    m_first_issue = Clock::now();
    m_thread = std::thread([this] { loop(); });
}

void CallDriver::stop_issuing() {
    std::lock_guard lk(m_mutex);
    m_issuing = false;
    m_cv.notify_all();
}

bool CallDriver::wait_idle(std::chrono::milliseconds max_wait) {
    std::unique_lock lk(m_mutex);
    return m_cv.wait_for(lk, max_wait, [this] { return m_pending == 0; });
}

void CallDriver::stop() {
    {
        std::lock_guard lk(m_mutex);
        if (m_stop) return;
        m_stop = true;
        m_issuing = false;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
    m_sub.drain(std::chrono::milliseconds(1000));  // returns once no reply handler runs
}

void CallDriver::loop() {
    std::unique_lock lk(m_mutex);
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / m_options.rate));
    while (!m_stop) {
        auto now = Clock::now();
        auto next_issue = m_first_issue + period * static_cast<int64_t>(m_issued);
        if (m_issuing && now >= next_issue) {
            issue(now);  // open model: catch up on calls that are due, never skip them
            continue;
        }
        if (!m_timers.empty() && m_timers.top().due <= now) {
            Timer t = m_timers.top();
            m_timers.pop();
            Live& live = m_live[t.call];
            if (live.attempt != t.attempt || m_calls[t.call].state != CallState::pending) continue;
            if (!t.deadline)
                send(t.call, t.attempt);
            else if (live.waiting)
                settle(t.call, t.attempt, AttemptOutcome::timeout,
                       "no reply within " + std::to_string(m_options.timeout.count()) + " ms");
            continue;
        }
        Mono until = now + std::chrono::milliseconds(100);
        if (m_issuing) until = std::min(until, next_issue);
        if (!m_timers.empty()) until = std::min(until, m_timers.top().due);
        m_cv.wait_until(lk, until);
    }
}

void CallDriver::issue(Mono now) {
    size_t i = m_calls.size();
    CallRecord rec;
    rec.message_id = util::uuid4();
    rec.issued = now;
    CallOptions co;
    co.timeout = m_options.timeout;
    co.format = m_options.format;
    co.message_id = rec.message_id;
    Live live;
    live.payload = encode_request(m_options.service, m_options.method, m_options.params, co);
    m_calls.push_back(std::move(rec));
    m_live.push_back(std::move(live));
    ++m_issued;
    ++m_pending;
    send(i, 0);
}

void CallDriver::send(size_t call, int attempt) {
    Live& live = m_live[call];
    live.attempt = attempt;
    live.waiting = true;
    m_calls[call].attempts = attempt + 1;
    auto now = Clock::now();
    m_timers.push({now + m_options.timeout, call, attempt, true});
    std::string reply = m_inbox + "." + std::to_string(call) + "." + std::to_string(attempt);
    try {
        m_conn->publish(wire::rpc_subject(m_options.service, m_options.method), live.payload,
                        reply);
    } catch (const std::exception& e) {
        // Disconnected: the deadline will settle this attempt as a timeout.
        log::debug("failover: publish failed: {}", e.what());
    }
}

// An attempt ended without success: retry it or finish the call.
void CallDriver::settle(size_t call, int attempt, AttemptOutcome outcome,
                        const std::string& error) {
    Live& live = m_live[call];
    CallRecord& rec = m_calls[call];
    live.waiting = false;
    rec.last_error = error;
    const auto& p = m_options.retry;
    bool retry = outcome == AttemptOutcome::not_active ||
                 (outcome == AttemptOutcome::no_responders && p.retry_no_responders) ||
                 (outcome == AttemptOutcome::timeout && p.retry_timeouts) ||
                 ((outcome == AttemptOutcome::overloaded ||
                   outcome == AttemptOutcome::shutting_down) &&
                  p.retry_refusals);
    if (retry && attempt + 1 < p.attempts) {
        live.attempt = attempt + 1;
        m_timers.push({Clock::now() + p.delay_before(attempt + 1), call, attempt + 1, false});
        m_cv.notify_all();
        return;
    }
    rec.state = outcome == AttemptOutcome::timeout ? CallState::lost : CallState::failed;
    rec.finished = Clock::now();
    --m_pending;
    m_cv.notify_all();
}

void CallDriver::on_reply(nats::Msg& msg) {
    auto now = Clock::now();
    // <inbox>.<call>.<attempt>
    std::string_view subject = msg.subject();
    auto dot2 = subject.rfind('.');
    auto dot1 = subject.rfind('.', dot2 - 1);
    size_t call = 0;
    int attempt = 0;
    if (dot1 == std::string_view::npos || dot2 == std::string_view::npos) return;
    std::from_chars(subject.data() + dot1 + 1, subject.data() + dot2, call);
    std::from_chars(subject.data() + dot2 + 1, subject.data() + subject.size(), attempt);
    AttemptOutcome outcome = AttemptOutcome::no_responders;
    std::string error = "no responders";
    Json reply;
    if (!msg.is_no_responders()) {
        try {
            reply = wire::decode(msg.data());
            outcome = classify_reply(reply, m_options.retry);
            error = outcome_name(outcome);
        } catch (const std::exception& e) {
            outcome = AttemptOutcome::remote_error;
            error = std::string("unreadable reply: ") + e.what();
        }
    }
    std::lock_guard lk(m_mutex);
    if (call >= m_calls.size()) return;
    CallRecord& rec = m_calls[call];
    Live& live = m_live[call];
    if (outcome == AttemptOutcome::success) {
        Reply r{now, msg.header("Aegis-Instance").value_or("?")};
        rec.successes.push_back(r);
        m_successes.push_back(r);
        if (rec.state == CallState::pending) {
            record_ack(rec, reply);
            rec.state = rec.attempts > 1 ? CallState::retried : CallState::ok;
            rec.finished = now;
            live.waiting = false;
            --m_pending;
            m_cv.notify_all();
        }
        return;
    }
    // A late failure of an older attempt changes nothing: only the attempt in flight counts.
    if (rec.state != CallState::pending || live.attempt != attempt || !live.waiting) return;
    settle(call, attempt, outcome, error);
}

void CallDriver::record_to(std::shared_ptr<service::HistoryRecorder> history) {
    std::lock_guard lk(m_mutex);
    m_options.history = std::move(history);
}

void CallDriver::record_ack(const CallRecord& rec, const Json& reply) noexcept {
    if (!m_options.history) return;
    try {
        Json ack{{"kind", "ack"},
                 {"service", m_options.service},
                 {"msg_id", rec.message_id},
                 {"t_us", service::history_now_us()}};
        // The reply is remote data: only a string order_id of a result object is taken.
        const Json* result = reply.is_object() && reply.contains("result") ? &reply["result"]
                                                                            : nullptr;
        if (result && result->is_object() && result->contains("order_id") &&
            (*result)["order_id"].is_string())
            ack["order_id"] = (*result)["order_id"];
        m_options.history->record(ack);
    } catch (...) {
    }
}

std::vector<CallRecord> CallDriver::snapshot() const {
    std::lock_guard lk(m_mutex);
    return {m_calls.begin(), m_calls.end()};
}

std::optional<Reply> CallDriver::last_success() const {
    std::lock_guard lk(m_mutex);
    if (m_successes.empty()) return std::nullopt;
    return m_successes.back();
}

std::optional<Reply> CallDriver::first_success_after(Mono t,
                                                     const std::string& not_instance) const {
    std::lock_guard lk(m_mutex);
    for (const auto& r : m_successes)
        if (r.at >= t && r.instance != not_instance) return r;
    return std::nullopt;
}

std::optional<Reply> CallDriver::last_success_from(const std::string& instance, Mono before) const {
    std::lock_guard lk(m_mutex);
    for (auto it = m_successes.rbegin(); it != m_successes.rend(); ++it)
        if (it->at < before && it->instance == instance) return *it;
    return std::nullopt;
}

}  // namespace aegis::scenario
