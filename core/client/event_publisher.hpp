#pragma once
// Publishing AegisSDK events (docs/protocol.md §4): the Event envelope on events.<domain>.<type>,
// through JetStream into stream EVENTS (created with the Python settings when missing, never
// reconfigured), with Nats-Msg-Id = message_id so a publish retried after a lost ack is stored
// once. Replies that are not PubAcks (Python subscribers' empty "acks") are ignored.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/nats/jetstream.hpp"
#include "core/wire/envelope.hpp"

namespace aegis {

struct PublishOptions {
    std::chrono::milliseconds timeout{5000};  // per attempt
    int attempts = 3;  // an attempt whose ack is lost is retried with the same message id
    std::optional<std::string> message_id;  // default: a fresh UUID (reuse it to retry)
    std::string version = "1.0";
};

// Throws UsageError unless DOMAIN and TYPE make an event subject a subscriber can match: ASCII
// tokens [a-zA-Z][a-zA-Z0-9-_]* (a dot in them adds a token), no wildcards.
void check_event_names(const std::string& domain, const std::string& event_type);

class EventPublisher {
public:
    // `source` is written into every envelope (an instance id, or empty for null).
    EventPublisher(std::shared_ptr<nats::Connection> conn, std::string source = {},
                   wire::Format format = wire::Format::msgpack);
    // Builds the envelope; UsageError for an empty domain / type or a payload that is not an
    // object. Thread-safe.
    nats::PubAck publish(const std::string& domain, const std::string& event_type,
                         const Json& payload, const PublishOptions& options = {});
    nats::PubAck publish(const wire::Event& event, std::chrono::milliseconds timeout,
                         int attempts = 3);
    wire::Event make_event(const std::string& domain, const std::string& event_type,
                           const Json& payload, const PublishOptions& options = {}) const;
    uint64_t retries() const noexcept { return m_retries; }

private:
    void ensure_events_stream();
    std::shared_ptr<nats::Connection> m_conn;
    std::string m_source;
    wire::Format m_format;
    std::atomic<bool> m_stream_checked{false};
    std::atomic<uint64_t> m_retries{0};
};

// EVENTS: events.>, limits, max 100 000 messages (the SDK's settings).
nats::StreamConfig events_stream_config();

}  // namespace aegis
