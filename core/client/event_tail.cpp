#include "core/client/event_tail.hpp"
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <condition_variable>
#include <deque>
#include <mutex>

#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/jetstream.hpp"
#include "core/nats/message.hpp"
#include "core/util/error.hpp"
#include "core/wire/subjects.hpp"

namespace aegis {

namespace {
constexpr const char* k_tail_stream = "EVENTS";  // the stream the SDK's publishers write to
}

struct EventTail::Impl {
    std::shared_ptr<nats::Connection> conn;
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<TailedEvent> items;
    std::vector<nats::Subscription> subs;
    std::vector<std::string> consumers;  // ephemeral consumer names, deleted at the end
    uint64_t skip = 0;                   // replayed messages to drop before --last N

    void push(TailedEvent e) {
        {
            std::lock_guard lock(mutex);
            items.push_back(std::move(e));
        }
        cv.notify_one();
    }

    void subscribe_live(const std::string& subject) {
        subs.push_back(conn->subscribe(subject, [this](nats::Msg& m) {
            push({std::string(m.subject()), std::string(m.data()),
                  std::chrono::system_clock::now(), false});
        }));
    }

    void subscribe_replay(const std::string& subject, const EventTailOptions& o) {
        nats::ConsumerConfig c;
        c.stream = k_tail_stream;
        c.filter_subject = subject;
        c.ack_none = true;
        c.inactive_threshold = std::chrono::seconds(10);  // gone soon if we die
        c.description = "aegis events tail";
        if (o.since) {
            c.deliver_policy = nats::DeliverPolicy::by_start_time;
            c.start_time = std::chrono::system_clock::now() - *o.since;
        }
        auto info = nats::add_consumer(*conn, c);
        auto skip = std::make_shared<uint64_t>(
            o.last && info.num_pending > *o.last ? info.num_pending - *o.last : 0);
        subs.push_back(conn->subscribe(info.config.deliver_subject, [this, skip](nats::Msg& m) {
            auto meta = nats::parse_ack_subject(m.reply());
            if (!meta) return;  // flow control and heartbeats are not events
            if (*skip > 0) {
                --*skip;  // older than the last N
                return;
            }
            auto at = meta->timestamp_ns > 0
                          ? wire::SysTime(std::chrono::duration_cast<wire::SysTime::duration>(
                                std::chrono::nanoseconds(meta->timestamp_ns)))
                          : std::chrono::system_clock::now();
            push({std::string(m.subject()), std::string(m.data()), at, true});
        }));
        consumers.push_back(info.name);
    }
};

EventTail::EventTail(std::shared_ptr<nats::Connection> conn, EventTailOptions o)
    : m(std::make_unique<Impl>()) {
    m->conn = std::move(conn);
    for (const auto& s : o.subjects) wire::event_pattern_subject(s);  // before subscribing any
    bool replay = o.since || o.last;
    if (replay && !nats::stream_info(*m->conn, k_tail_stream))
        throw UnavailableError("no stream 'EVENTS': there are no stored events to replay",
                               "events are stored once something publishes one; drop --since/--last "
                               "to watch live");
    for (const auto& s : o.subjects) replay ? m->subscribe_replay(s, o) : m->subscribe_live(s);
    m->conn->flush();
}

EventTail::~EventTail() {
    m->subs.clear();  // unsubscribe before the queue goes
    for (const auto& name : m->consumers) {
        try {
            if (!name.empty()) nats::delete_consumer(*m->conn, k_tail_stream, name);
        } catch (const std::exception&) {
            // The inactive threshold removes it anyway.
        }
    }
}

std::optional<TailedEvent> EventTail::next(std::chrono::milliseconds wait) {
    std::unique_lock lock(m->mutex);
    if (!m->cv.wait_for(lock, wait, [&] { return !m->items.empty(); })) return std::nullopt;
    TailedEvent e = std::move(m->items.front());
    m->items.pop_front();
    return e;
}

}  // namespace aegis
