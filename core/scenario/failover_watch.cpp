#include "core/scenario/failover_watch.hpp"
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <thread>

#include "core/client/leaders.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::scenario {

using Clock = std::chrono::steady_clock;

namespace {

std::string holder_of(const std::string& value) {
    try {
        return client::parse_leader_value(value).instance_id;
    } catch (const std::exception&) {
        return "?";  // unreadable, but someone holds the key
    }
}

}  // namespace

LeaseObserver::LeaseObserver(std::shared_ptr<nats::Connection> conn, std::string service,
                             std::string group)
    : m_conn(std::move(conn)), m_service(std::move(service)), m_group(std::move(group)) {
    m_bucket = wire::election_bucket(m_service);
    m_key = wire::leader_key(m_service, m_group);
}

LeaseObserver::~LeaseObserver() { stop(); }

void LeaseObserver::start(std::chrono::milliseconds wait) {
    m_events = m_conn->subscribe("events.sticky_active.*", [this](nats::Msg& m) { on_event(m); });
    auto deadline = Clock::now() + wait;
    for (;;) {
        try {
            m_kv = std::make_unique<nats::KeyValue>(nats::KeyValue::open(m_conn, m_bucket));
            break;
        } catch (const NotFoundError&) {
            if (Clock::now() >= deadline)
                throw UnavailableError(
                    "'" + m_service + "' has no election bucket '" + m_bucket + "'",
                    "is it a single-active service? try 'aegis demo "
                    "echo-single', or --spawn N");
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    m_watch = m_kv->watch(m_key, [this](const nats::KeyValue::WatchEvent& ev) {
        if (!ev.entry) return;
        LeaseEvent e;
        e.at = Clock::now();
        e.arrived = e.at;
        if (ev.entry->op == nats::KvOp::put) {
            e.kind = LeaseEvent::Kind::held;
            e.instance = holder_of(ev.entry->value);
        } else {
            e.kind = LeaseEvent::Kind::released;
        }
        std::lock_guard lk(m_mutex);
        if (e.kind == LeaseEvent::Kind::held) {
            // Renewals are not news: record a put only when the holder changes.
            if (m_holder && *m_holder == e.instance) return;
            m_holder.emplace(e.instance);
        } else {
            m_holder.reset();
        }
        m_log.push_back(std::move(e));
    });
}

void LeaseObserver::stop() {
    if (m_watch) m_watch->stop();
    m_events.drain(std::chrono::milliseconds(500));
}

void LeaseObserver::on_event(nats::Msg& msg) {
    auto now_mono = Clock::now();
    auto now_wall = std::chrono::system_clock::now();
    try {
        wire::Event ev = wire::decode_event(msg.data());
        const Json& p = ev.payload;
        if (p.value("service_name", "") != m_service || p.value("group_id", "") != m_group) return;
        LeaseEvent e;
        e.instance = p.value("instance_id", "");
        e.at = now_mono;
        e.arrived = now_mono;
        if (ev.event_type == "LeaderLost") {
            e.kind = LeaseEvent::Kind::lost_event;
            // A successor reporting a dead leader's loss names itself in detected_by.
            const Json& meta = p.value("metadata", Json::object());
            e.own = !(meta.is_object() && meta.contains("detected_by"));
            // The moment the loss was judged (a standby's verdict for a crashed leader), mapped
            // onto our monotonic clock.
            if (auto t = wire::parse_timestamp(p.value("lost_at", "")); t && *t < now_wall)
                e.at = now_mono - std::chrono::duration_cast<Clock::duration>(now_wall - *t);
        } else if (ev.event_type == "LeaderElected") {
            e.kind = LeaseEvent::Kind::elected_event;
        } else {
            return;
        }
        std::lock_guard lk(m_mutex);
        m_log.push_back(std::move(e));
    } catch (const std::exception&) {
        // Not an event we can read: not ours to judge.
    }
}

std::vector<LeaseEvent> LeaseObserver::events() const {
    std::lock_guard lk(m_mutex);
    return m_log;
}

std::optional<std::string> LeaseObserver::holder() const {
    std::lock_guard lk(m_mutex);
    return m_holder;
}

}  // namespace aegis::scenario
