#pragma once
// The event subscriptions of one service instance: how each (pattern, mode) maps onto NATS
// (docs/protocol.md §4.4, docs/events.md), delivery with bounded retries, deduplication, and binding
// exclusive subscriptions only while the instance leads.
#include <condition_variable>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/service/event_types.hpp"

namespace aegis::nats {
class Connection;
class Msg;
struct ConsumerInfo;
}  // namespace aegis::nats

namespace aegis::service {

// How a subscription is carried. Core NATS: `queue` ("" = none). JetStream: a push consumer
// `durable` on stream EVENTS delivering to group `queue` ("" = none).
struct EventBinding {
    bool jetstream = false;
    std::string durable;
    std::string queue;
    bool delete_on_stop = false;  // per-instance consumers are removed on a clean stop
};

bool has_wildcard(std::string_view pattern) noexcept;
// Python's consumer-name fragment: "*" → "star", "." → "-" (and ">" → "all", which Python never
// needs because it uses core NATS for wildcards).
std::string pattern_token(std::string_view pattern);
// Python's mapping (G19), plus exclusive and the `durable` option.
EventBinding event_binding(const std::string& service, const std::string& instance,
                           const std::string& pattern, EventMode mode, bool durable);

struct EventSub;

class EventHub {
public:
    EventHub(std::shared_ptr<nats::Connection> conn, std::string service, std::string instance);
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    // Validates, and starts the subscription at once when the hub is running.
    void add(const std::string& pattern, EventMode mode, EventHandlerEx handler,
             SubscribeOptions options);
    void start();
    void stop();  // in-flight handlers finish; per-instance consumers are deleted
    void refresh_leadership();
    // After a reconnect: the stream and consumers the server may have lost are created again.
    // False when something could not be restored yet (the caller retries soon).
    bool recover();
    std::vector<SubscriptionStats> stats() const;

private:
    void open(EventSub& s);  // create / look up the consumer, bind unless a standby
    nats::ConsumerInfo ensure_consumer(EventSub& s);
    void bind(EventSub& s);
    void unbind(EventSub& s);
    void leader_loop();
    void deliver(EventSub& s, nats::Msg& msg);
    // Runs the handler until it succeeds, is handed to JetStream to redeliver, or gives up.
    void attempt(EventSub& s, nats::Msg& msg, const wire::Event& ev, EventDelivery d);
    bool leads(const EventSub& s) const;
    bool wait_retry(std::chrono::milliseconds d);

    std::shared_ptr<nats::Connection> m_conn;
    std::string m_service;
    std::string m_instance;
    mutable std::mutex m_mutex;  // m_subs (only grows) and m_running
    std::vector<std::unique_ptr<EventSub>> m_subs;
    bool m_running = false;
    std::mutex m_bind_mutex;  // serialises bind / unbind
    std::mutex m_wake_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_refresh = false;
    std::thread m_leader_thread;
};

}  // namespace aegis::service
