#include "core/load/lane.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include <charconv>
#include <vector>

#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/wire/envelope.hpp"

namespace aegis::load {

struct Lane::Sub {
    nats::Subscription sub;
};

Lane::Lane(std::shared_ptr<nats::Connection> conn, std::string subject, Done done)
    : m_conn(std::move(conn)), m_subject(std::move(subject)), m_done(std::move(done)),
      m_sub(std::make_unique<Sub>()) {
    m_prefix = m_conn->new_inbox() + ".";
    m_sub->sub = m_conn->subscribe(m_prefix + "*", [this](nats::Msg& m) { on_reply(m); });
    m_conn->flush();
}

Lane::~Lane() { close(); }

// Drained, not just unsubscribed: a late reply's callback must have returned before the engine
// (which it calls into) goes away.
void Lane::close() {
    if (m_sub->sub.active()) m_sub->sub.drain(std::chrono::milliseconds(1000));
    std::lock_guard lock(m_mutex);
    m_pending.clear();
}

void Lane::send(Call&& call, std::chrono::milliseconds timeout) {
    uint64_t id;
    // Our own reference: a timeout may complete (and free) the call before publish returns.
    std::shared_ptr<const std::string> payload = call.payload;
    {
        std::lock_guard lock(m_mutex);
        id = ++m_next;
        m_pending.emplace(id, Pending{std::move(call), Clock::now() + timeout});
    }
    char reply[160];
    size_t n = m_prefix.copy(reply, sizeof(reply) - 24);
    auto end = std::to_chars(reply + n, reply + sizeof(reply), id).ptr;
    try {
        m_conn->publish(m_subject, *payload, std::string_view(reply, end - reply));
    } catch (const std::exception& e) {
        Pending p;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_pending.find(id);
            if (it == m_pending.end()) return;
            p = std::move(it->second);
            m_pending.erase(it);
        }
        Completion c;
        c.outcome = Outcome::other;
        c.detail = e.what();
        c.latency = Clock::now() - p.call.intended;
        m_done(*this, std::move(p.call), std::move(c));
    }
}

namespace {

Completion classify(nats::Msg& msg) {
    Completion c;
    if (msg.is_no_responders()) {
        c.outcome = Outcome::no_responders;
        return c;
    }
    try {
        auto r = wire::decode_rpc_response(msg.data());
        c.instance = answering_instance(msg.header("Aegis-Instance"), r.result);
        if (is_not_active(r)) {
            c.outcome = Outcome::not_active;
        } else if (!r.success) {
            c.outcome = Outcome::remote_error;
            c.code = msg.header("Nats-Service-Error-Code").value_or("");
        }
    } catch (const std::exception& e) {
        c.outcome = Outcome::other;
        c.detail = std::string("unreadable reply: ") + e.what();
    }
    return c;
}

}  // namespace

void Lane::on_reply(nats::Msg& msg) {
    auto now = Clock::now();
    std::string_view subject = msg.subject();
    if (subject.size() <= m_prefix.size()) return;
    uint64_t id = 0;
    std::from_chars(subject.data() + m_prefix.size(), subject.data() + subject.size(), id);
    Pending p;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pending.find(id);
        if (it == m_pending.end()) return;  // timed out already
        p = std::move(it->second);
        m_pending.erase(it);
    }
    Completion c = classify(msg);
    c.latency = now - p.call.intended;
    m_done(*this, std::move(p.call), std::move(c));
}

void Lane::expire(Clock::time_point now) {
    std::vector<Pending> expired;
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            if (it->second.deadline <= now) {
                expired.push_back(std::move(it->second));
                it = m_pending.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& p : expired) {
        Completion c;
        c.outcome = Outcome::timeout;
        c.latency = now - p.call.intended;
        m_done(*this, std::move(p.call), std::move(c));
    }
}

}  // namespace aegis::load
