#include "core/service/events.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>

#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/jetstream.hpp"
#include "core/service/event_sub.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"

namespace aegis {

const char* event_mode_name(EventMode mode) noexcept {
    switch (mode) {
    case EventMode::broadcast: return "broadcast";
    case EventMode::exclusive: return "exclusive";
    default: return "compete";
    }
}

EventMode parse_event_mode(std::string_view text) {
    if (text == "compete") return EventMode::compete;
    if (text == "broadcast") return EventMode::broadcast;
    if (text == "exclusive") return EventMode::exclusive;
    throw UsageError("event mode must be compete, broadcast or exclusive, not '" +
                     std::string(text) + "'");
}

namespace service {

namespace {

constexpr const char* k_events_stream = "EVENTS";
// Per-instance broadcast consumers left behind by a crashed process go away on their own.
constexpr auto k_broadcast_inactive = std::chrono::hours(1);

}  // namespace

bool has_wildcard(std::string_view pattern) noexcept {
    return pattern.find('*') != std::string_view::npos ||
           pattern.find('>') != std::string_view::npos;
}

std::string pattern_token(std::string_view pattern) {
    std::string out;
    for (char c : pattern) {
        if (c == '*') out += "star";
        else if (c == '>') out += "all";
        else if (c == '.') out += '-';
        else out += c;
    }
    return out;
}

EventBinding event_binding(const std::string& service, const std::string& instance,
                           const std::string& pattern, EventMode mode, bool durable) {
    EventBinding b;
    const bool wild = has_wildcard(pattern);
    switch (mode) {
    case EventMode::exclusive:
        b.jetstream = true;
        b.durable = service + "-" + pattern_token(pattern) + "-exclusive";
        b.queue = b.durable;
        break;
    case EventMode::compete:
        if (wild && !durable) {
            b.queue = service;  // Python: core NATS queue group <service>
            break;
        }
        b.jetstream = true;
        b.durable = wild ? service + "-" + pattern_token(pattern) : service;  // Python: <service>
        b.queue = b.durable;
        break;
    case EventMode::broadcast:
        if (wild && !durable) break;  // Python: plain core NATS subscription
        b.jetstream = true;
        b.durable = service + "-" + pattern_token(pattern) + "-" + instance;  // Python's name
        b.delete_on_stop = true;
        break;
    }
    return b;
}

EventHub::EventHub(std::shared_ptr<nats::Connection> conn, std::string service,
                   std::string instance)
    : m_conn(std::move(conn)), m_service(std::move(service)), m_instance(std::move(instance)) {}

EventHub::~EventHub() {
    try {
        stop();
    } catch (...) {
    }
}

void EventHub::add(const std::string& pattern, EventMode mode, EventHandlerEx handler,
                   SubscribeOptions options) {
    wire::event_pattern_subject(pattern);
    if (mode == EventMode::exclusive && !options.is_leader)
        throw UsageError("an exclusive subscription needs SubscribeOptions::is_leader",
                         "e.g. o.is_leader = [&svc] { return svc.is_leader(); }");
    if (options.max_attempts < 1) throw UsageError("max_attempts must be at least 1");
    auto s = std::make_unique<EventSub>(options.dedup_window);
    s->pattern = pattern;
    s->mode = mode;
    s->handler = std::move(handler);
    s->binding = event_binding(m_service, m_instance, pattern, mode, options.durable);
    s->options = std::move(options);
    EventSub* raw = s.get();
    bool running;
    {
        std::lock_guard lock(m_mutex);
        running = m_running;
        m_subs.push_back(std::move(s));
    }
    if (!running) return;
    open(*raw);
    if (mode == EventMode::exclusive && !m_leader_thread.joinable())
        m_leader_thread = std::thread([this] { leader_loop(); });
}

void EventHub::start() {
    std::vector<EventSub*> subs;
    {
        std::lock_guard lock(m_mutex);
        if (m_running) return;
        m_running = true;
        for (auto& s : m_subs) subs.push_back(s.get());
    }
    {
        std::lock_guard lock(m_wake_mutex);
        m_stopping = false;
    }
    bool exclusive = false;
    for (auto* s : subs) {
        open(*s);
        exclusive = exclusive || s->mode == EventMode::exclusive;
    }
    if (exclusive) m_leader_thread = std::thread([this] { leader_loop(); });
}

void EventHub::stop() {
    std::vector<EventSub*> subs;
    {
        std::lock_guard lock(m_mutex);
        if (!m_running) return;
        m_running = false;
        for (auto& s : m_subs) subs.push_back(s.get());
    }
    {
        std::lock_guard lock(m_wake_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_leader_thread.joinable()) m_leader_thread.join();
    for (auto* s : subs) {
        unbind(*s);
        if (s->opened && s->binding.delete_on_stop) {
            try {
                nats::delete_consumer(*m_conn, k_events_stream, s->binding.durable);
            } catch (const std::exception& e) {
                log::debug("could not delete consumer '{}': {}", s->binding.durable, e.what());
            }
        }
        std::lock_guard lock(m_mutex);
        s->opened = false;
    }
}

void EventHub::refresh_leadership() {
    {
        std::lock_guard lock(m_wake_mutex);
        m_refresh = true;
    }
    m_wake.notify_all();
}

bool EventHub::leads(const EventSub& s) const {
    try {
        return s.options.is_leader && s.options.is_leader();
    } catch (...) {
        return false;
    }
}

namespace {

// The consumer aegis creates for `s` when none exists.
nats::ConsumerConfig new_consumer(const EventSub& s, const std::string& owner) {
    nats::ConsumerConfig c;
    c.stream = k_events_stream;
    c.durable = s.binding.durable;
    c.filter_subject = s.pattern;
    c.deliver_subject = nats::deliver_subject_for(k_events_stream, c.durable);
    c.deliver_group = s.binding.queue;
    // From now on, not the whole history (Python replays all; docs/protocol.md §12.2 item 9).
    c.deliver_policy = nats::DeliverPolicy::new_;
    // A server-side bound for handlers that crash their process; the client-side bound
    // (max_attempts) is the one that logs. Hand-backs by a demoted leader count too.
    c.max_deliver = 2 * int64_t(s.options.max_attempts);
    c.ack_wait = s.options.ack_wait;
    if (s.binding.delete_on_stop) c.inactive_threshold = k_broadcast_inactive;
    c.description = std::string("aegis ") + event_mode_name(s.mode) + " subscription of " + owner;
    return c;
}

}  // namespace

nats::ConsumerInfo EventHub::ensure_consumer(EventSub& s) {
    nats::ensure_stream(*m_conn, events_stream_config());
    auto info = nats::consumer_info(*m_conn, k_events_stream, s.binding.durable);
    if (info && !info->config.filter_subject.empty() && info->config.filter_subject != s.pattern) {
        if (s.mode != EventMode::compete || s.binding.durable != m_service)
            throw ConfigError("consumer '" + s.binding.durable + "' on stream EVENTS filters '" +
                                  info->config.filter_subject + "', not '" + s.pattern + "'",
                              "delete it: nats consumer rm EVENTS " + s.binding.durable);
        // Python names every exact-subject compete consumer <service> (docs/protocol.md §4.5): the
        // name is taken by another subject, so this one gets its own.
        {
            std::lock_guard lock(m_mutex);
            s.binding.durable = m_service + "-" + pattern_token(s.pattern);
            s.binding.queue = s.binding.durable;
        }
        log::warn("'{}': consumer '{}' already filters '{}'; using '{}' for '{}'", m_instance,
                  m_service, info->config.filter_subject, s.binding.durable, s.pattern);
        info = nats::consumer_info(*m_conn, k_events_stream, s.binding.durable);
    }
    if (!info)
        info = nats::add_consumer(
            *m_conn, new_consumer(s, s.binding.delete_on_stop ? m_instance : m_service));
    if (info->config.deliver_subject.empty())
        throw ConfigError("consumer '" + s.binding.durable + "' is a pull consumer",
                          "delete it: nats consumer rm EVENTS " + s.binding.durable);
    if (info->config.deliver_group.empty() && info->push_bound)
        throw ConfigError("consumer '" + s.binding.durable +
                          "' has no deliver group and is bound by another subscriber");
    return *info;
}

bool EventHub::recover() {
    std::vector<EventSub*> subs;
    {
        std::lock_guard lock(m_mutex);
        if (!m_running) return true;
        for (auto& s : m_subs)
            if (s->opened && s->binding.jetstream) subs.push_back(s.get());
    }
    bool ok = true;
    for (auto* s : subs) {
        try {
            ensure_consumer(*s);  // same durable and deliver subject: the binding stays valid
        } catch (const std::exception& e) {
            ok = false;
            log::debug("'{}': could not restore consumer '{}' yet: {}", m_instance,
                       s->binding.durable, e.what());
        }
    }
    return ok;
}

void EventHub::open(EventSub& s) {
    std::string subject = s.pattern, group = s.binding.queue;
    if (s.binding.jetstream) {
        auto info = ensure_consumer(s);
        subject = info.config.deliver_subject;
        group = info.config.deliver_group;  // Python's when Python created it
    }
    {
        std::lock_guard lock(m_mutex);
        s.subject = subject;
        s.group = group;
        s.opened = true;
    }
    if (s.mode != EventMode::exclusive || leads(s)) bind(s);
}

void EventHub::bind(EventSub& s) {
    std::lock_guard lock(m_bind_mutex);
    if (s.sub.active()) return;
    EventHub* hub = this;
    EventSub* sp = &s;
    s.sub = m_conn->subscribe(
        s.subject, [hub, sp](nats::Msg& m) { hub->deliver(*sp, m); }, s.group);
    m_conn->flush();
    s.bound = true;
    log::debug("'{}' subscribed to '{}' ({}, {}{})", m_instance, s.pattern,
               event_mode_name(s.mode), s.binding.jetstream ? "consumer " + s.binding.durable
                                                            : std::string("core NATS"),
               s.group.empty() ? "" : ", group " + s.group);
}

void EventHub::unbind(EventSub& s) {
    nats::Subscription sub;
    std::lock_guard lock(m_bind_mutex);
    sub = std::move(s.sub);
    s.bound = false;
    sub.drain();  // in-flight handlers finish and acknowledge
}

void EventHub::leader_loop() {
    auto poll = std::chrono::milliseconds(1000);
    {
        std::lock_guard lock(m_mutex);
        for (auto& s : m_subs)
            if (s->mode == EventMode::exclusive) poll = std::min(poll, s->options.leader_poll);
    }
    std::unique_lock lock(m_wake_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, poll, [this] { return m_stopping || m_refresh; });
        if (m_stopping) break;
        m_refresh = false;
        lock.unlock();
        std::vector<EventSub*> subs;
        {
            std::lock_guard guard(m_mutex);
            for (auto& s : m_subs)
                if (s->mode == EventMode::exclusive && s->opened) subs.push_back(s.get());
        }
        for (auto* s : subs) {
            bool lead = leads(*s);
            if (lead == s->bound) continue;
            try {
                if (lead) open(*s);  // re-reads the consumer: it may have changed meanwhile
                else unbind(*s);
                log::debug("'{}' {} exclusive events '{}'", m_instance,
                          lead ? "leads: processing" : "stands by: no longer processing",
                          s->pattern);
            } catch (const std::exception& e) {
                log::warn("'{}': exclusive subscription '{}': {}", m_instance, s->pattern,
                          e.what());
            }
        }
        lock.lock();
    }
}

std::vector<SubscriptionStats> EventHub::stats() const {
    std::lock_guard lock(m_mutex);
    std::vector<SubscriptionStats> out;
    for (auto& s : m_subs) {
        SubscriptionStats st;
        st.pattern = s->pattern;
        st.mode = s->mode;
        st.transport = s->binding.jetstream ? "jetstream" : "core";
        st.consumer = s->binding.durable;
        st.group = s->opened ? s->group : s->binding.queue;
        st.bound = s->bound;
        st.received = s->received;
        st.processed = s->processed;
        st.failed_attempts = s->failed;
        st.dropped = s->dropped;
        st.duplicates = s->duplicates;
        st.not_leader = s->not_leader;
        out.push_back(std::move(st));
    }
    return out;
}

}  // namespace service
}  // namespace aegis
