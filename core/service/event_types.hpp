#pragma once
// Event subscriptions of aegis::Service: modes, options, what a handler is told (docs/events.md).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/wire/envelope.hpp"

namespace aegis {

// compete: one instance of the service gets each event (Python's queue / durable naming, so
//          Python and C++ instances of one service share the work).
// broadcast: every instance gets every event.
// exclusive: only the current leader of the service's single-active group processes events;
//          events published while no leader is bound wait in a durable consumer (C++ only).
enum class EventMode { compete, broadcast, exclusive };

const char* event_mode_name(EventMode mode) noexcept;
EventMode parse_event_mode(std::string_view text);  // UsageError for anything else

struct EventDelivery {
    std::string subject;
    const char* transport = "core";  // "core" (core NATS) or "jetstream" (a durable consumer)
    int attempt = 1;                 // 1 on the first delivery
    int max_attempts = 1;
    uint64_t stream_seq = 0;  // 0 for core NATS deliveries
};

using EventHandler = std::function<void(const wire::Event& event)>;
using EventHandlerEx = std::function<void(const wire::Event& event, const EventDelivery& d)>;

struct SubscribeOptions {
    // A handler that throws gets the event again, up to this many attempts in total; then the
    // event is given up (logged as an error, counted as dropped, terminated in JetStream).
    int max_attempts = 5;
    // Wait before attempt n+1: retry_delay × 2^(n-1), at most 10 s.
    std::chrono::milliseconds retry_delay{250};
    // JetStream: an unacknowledged delivery (e.g. its process died) is redelivered after this.
    std::chrono::milliseconds ack_wait{30000};
    // Use a durable JetStream consumer even for a wildcard pattern (Python uses core NATS for
    // wildcards: nothing is stored or redelivered, and Python instances would not share it).
    bool durable = false;
    // exclusive: true while this instance leads; checked on every event and polled every
    // leader_poll (call Service::refresh_leadership() on a leadership change to act at once).
    std::function<bool()> is_leader;
    std::chrono::milliseconds leader_poll{250};
    // Recently processed message ids remembered to drop duplicates (a publish retried after a
    // lost ack, a redelivery whose ack was lost). 0 turns it off.
    size_t dedup_window = 4096;
};

struct SubscriptionStats {
    std::string pattern;
    EventMode mode = EventMode::compete;
    std::string transport;  // core | jetstream
    std::string consumer;   // durable name (jetstream)
    std::string group;      // queue / deliver group, empty for none
    bool bound = false;     // receiving now (an exclusive standby is not)
    uint64_t received = 0;
    uint64_t processed = 0;
    uint64_t failed_attempts = 0;
    uint64_t dropped = 0;  // given up after max_attempts, or undecodable
    uint64_t duplicates = 0;
    uint64_t not_leader = 0;  // handed back because this instance no longer leads
};

}  // namespace aegis
