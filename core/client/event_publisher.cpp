#include "core/client/event_publisher.hpp"

#include "core/util/error.hpp"
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
    nats::ensure_stream(*m_conn, events_stream_config());
    m_stream_checked = true;
}

nats::PubAck EventPublisher::publish(const std::string& domain, const std::string& event_type,
                                     const Json& payload, const PublishOptions& options) {
    if (domain.empty() || event_type.empty())
        throw UsageError("an event needs a domain and an event type");
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
    return publish(e, options.timeout);
}

nats::PubAck EventPublisher::publish(const wire::Event& event, std::chrono::milliseconds timeout) {
    ensure_events_stream();
    return nats::js_publish(*m_conn, wire::event_subject(event.domain, event.event_type),
                            wire::encode_envelope(event, m_format), event.header.message_id,
                            timeout);
}

}  // namespace aegis
