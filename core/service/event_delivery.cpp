// One delivered event: decode, drop duplicates, run the handler, acknowledge — or retry with
// backoff up to max_attempts and then give the event up loudly (docs/events.md).
#include <climits>
#include <mutex>
#include <chrono>
#include <string>

#include "core/nats/consumer.hpp"
#include "core/service/event_sub.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::service {

namespace {

// Runs the handler once; the error text, empty on success.
std::string run_handler(EventSub& s, const wire::Event& ev, const EventDelivery& d) {
    try {
        s.handler(ev, d);
        return {};
    } catch (const std::exception& e) {
        std::string what = e.what();
        return what.empty() ? "handler failed" : what;
    } catch (...) {
        return "handler failed with a non-standard exception";
    }
}

}  // namespace

void EventHub::deliver(EventSub& s, nats::Msg& msg) {
    std::string_view reply = msg.reply();
    auto meta = nats::parse_ack_subject(reply);
    if (msg.data().empty() && !meta) {
        // Consumer flow control wants an answer; idle heartbeats do not.
        if (reply.starts_with("$JS.FC.")) m_conn->publish(reply, "");
        return;
    }
    ++s.received;
    if (s.mode == EventMode::exclusive && !leads(s)) {
        ++s.not_leader;  // hand it back at once so the leader gets it
        if (meta) nats::nak(*m_conn, msg);
        refresh_leadership();
        return;
    }
    wire::Event ev;
    try {
        // A stored message with no body is no event: dropped once, not redelivered unnoticed.
        if (msg.data().empty()) throw DataError("empty message");
        ev = wire::decode_event(msg.data());
    } catch (const std::exception& e) {
        ++s.dropped;
        log::warn("'{}': dropping an undecodable event on '{}': {}", m_instance, msg.subject(),
                  e.what());
        if (meta) nats::term(*m_conn, msg);  // redelivering it cannot help
        return;
    }
    const std::string& id = ev.header.message_id;
    if (s.dedup.seen(id)) {
        ++s.duplicates;
        log::debug("'{}': duplicate event {} on '{}' ignored", m_instance, id, msg.subject());
        if (meta) nats::ack(*m_conn, msg);
        return;
    }
    EventDelivery d;
    d.subject = std::string(msg.subject());
    d.transport = meta ? "jetstream" : "core";
    d.max_attempts = s.options.max_attempts;
    d.stream_seq = meta ? meta->stream_seq : 0;
    d.attempt = meta ? static_cast<int>(std::min<uint64_t>(meta->delivered, INT_MAX)) : 1;
    attempt(s, msg, ev, d);
}

void EventHub::attempt(EventSub& s, nats::Msg& msg, const wire::Event& ev, EventDelivery d) {
    const bool js = std::string_view(d.transport) == "jetstream";
    const std::string& id = ev.header.message_id;
    for (;;) {
        std::string error = run_handler(s, ev, d);
        if (error.empty()) {
            s.dedup.remember(id);
            ++s.processed;
            if (js) nats::ack(*m_conn, msg);
            return;
        }
        ++s.failed;
        if (d.attempt >= d.max_attempts) {
            ++s.dropped;
            log::error("'{}': gave up on event {} on '{}' after {} attempts: {}", m_instance, id,
                       d.subject, d.attempt, error);
            if (js) nats::term(*m_conn, msg);
            return;
        }
        auto delay = retry_backoff(s.options.retry_delay, d.attempt);
        log::warn("'{}': handler failed for event {} on '{}' (attempt {}/{}): {}; retrying in "
                  "{} ms",
                  m_instance, id, d.subject, d.attempt, d.max_attempts, error, delay.count());
        if (js) {
            nats::nak(*m_conn, msg, delay);  // the server redelivers, maybe to another instance
            return;
        }
        // Core NATS cannot redeliver: retry here, on this subscription's delivery thread.
        if (!wait_retry(delay)) {
            ++s.dropped;
            log::error("'{}': stopping; event {} on '{}' not retried after attempt {}: {}",
                       m_instance, id, d.subject, d.attempt, error);
            return;
        }
        ++d.attempt;
    }
}

bool EventHub::wait_retry(std::chrono::milliseconds d) {
    std::unique_lock lock(m_wake_mutex);
    return !m_wake.wait_for(lock, d, [this] { return m_stopping; });
}

}  // namespace aegis::service
