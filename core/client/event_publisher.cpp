#include "core/client/event_publisher.hpp"
#include <chrono>
#include <memory>
#include <string>

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"

namespace aegis {

nats::StreamConfig events_stream_config() {
    nats::StreamConfig c;
    c.name = "EVENTS";
    c.subjects = {"events.>"};
    c.retention = nats::Retention::limits;
    c.max_msgs = 100000;
    return c;
}

EventPublisher::EventPublisher(std::shared_ptr<nats::Connection> conn, std::string source,
                               wire::Format format)
    : m_conn(std::move(conn)), m_source(std::move(source)), m_format(format) {}

void EventPublisher::ensure_events_stream() {
    if (m_stream_checked) return;
    nats::ensure_stream(*m_conn, events_stream_config());  // idempotent if two threads race
    m_stream_checked = true;
}

void check_event_names(const std::string& domain, const std::string& event_type) {
    // Both go into the subject verbatim (a dot adds a token, as in Python). Every token must be
    // one a subscriber's pattern can name (ASCII, no wildcards): else nobody gets it.
    wire::event_subject(domain, event_type);
}

wire::Event EventPublisher::make_event(const std::string& domain, const std::string& event_type,
                                       const Json& payload, const PublishOptions& options) const {
    check_event_names(domain, event_type);
    if (!payload.is_null() && !payload.is_object())
        throw UsageError("an event payload must be a JSON object");
    wire::Event e;
    e.header = wire::new_header();
    if (options.message_id) e.header.message_id = *options.message_id;
    if (!m_source.empty()) e.header.source = m_source;
    e.domain = domain;
    e.event_type = event_type;
    e.payload = payload.is_null() ? Json::object() : payload;
    e.version = options.version;
    return e;
}

nats::PubAck EventPublisher::publish(const std::string& domain, const std::string& event_type,
                                     const Json& payload, const PublishOptions& options) {
    return publish(make_event(domain, event_type, payload, options), options.timeout,
                   options.attempts);
}

nats::PubAck EventPublisher::publish(const wire::Event& event, std::chrono::milliseconds timeout,
                                     int attempts) {
    ensure_events_stream();
    const std::string subject = wire::event_subject(event.domain, event.event_type);
    const std::string data = wire::encode_envelope(event, m_format);
    for (int attempt = 1;; ++attempt) {
        try {
            return nats::js_publish(*m_conn, subject, data, event.header.message_id, timeout);
        } catch (const NoRespondersError&) {
            // The stream we checked once is gone (a server restarted with an empty store):
            // create it again, once, and publish again.
            if (attempt >= attempts || !m_stream_checked) throw;
            m_stream_checked = false;
            ensure_events_stream();
            if (!m_stream_checked) throw;
        } catch (const TimeoutError& e) {
            // The ack may be lost rather than the message: the same Nats-Msg-Id makes the
            // retry harmless (the server stores the event once and says "duplicate").
            if (attempt >= attempts) throw;
            ++m_retries;
            log::debug("publish to '{}' (attempt {}/{}): {}; retrying", subject, attempt,
                       attempts, e.what());
        }
    }
}

}  // namespace aegis
