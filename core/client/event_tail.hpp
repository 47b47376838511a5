#pragma once
// Watching event subjects: live through plain core subscriptions (which never reply, so they
// cannot disturb publishers), or, with a replay, through an ephemeral consumer on the EVENTS
// stream that first delivers the stored events asked for and then the live ones. Messages reach
// the caller in arrival order through next(), on the caller's thread.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/timefmt.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis {

struct EventTailOptions {
    std::vector<std::string> subjects;            // full patterns: events.order.*
    std::optional<std::chrono::milliseconds> since;  // replay what was stored this long ago
    std::optional<uint64_t> last;                 // replay the last N stored (per pattern)
};

struct TailedEvent {
    std::string subject;
    std::string data;
    wire::SysTime at;     // when it arrived, or when the stream stored it (replayed)
    bool replayed = false;
};

class EventTail {
public:
    // Subscribes at once. UnavailableError when a replay is asked for and there is no EVENTS
    // stream (JetStream off, or nothing was ever published).
    EventTail(std::shared_ptr<nats::Connection> conn, EventTailOptions options);
    ~EventTail();
    EventTail(const EventTail&) = delete;
    EventTail& operator=(const EventTail&) = delete;

    // The next event, waiting up to `wait`; nullopt when none came in time.
    std::optional<TailedEvent> next(std::chrono::milliseconds wait);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace aegis
