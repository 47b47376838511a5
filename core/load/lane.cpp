#include "core/load/lane.hpp"
#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/rpc_errors.hpp"

namespace aegis::load {

struct Lane::Sub {
    nats::Subscription sub;
};

Lane::Lane(std::shared_ptr<nats::Connection> conn, std::string subject, Done done)
    : m_conn(std::move(conn)), m_subject(std::move(subject)), m_done(std::move(done)),
      m_pending(m_conn->new_inbox()), m_sub(std::make_unique<Sub>()) {
    m_sub->sub = m_conn->subscribe(m_pending.wildcard(), [this](nats::Msg& m) { on_reply(m); });
    m_conn->flush();
}

Lane::~Lane() { close(); }

// Drained, not just unsubscribed: a late reply's callback must have returned before the engine
// (which it calls into) goes away.
void Lane::close() {
    if (m_sub->sub.active()) m_sub->sub.drain(std::chrono::milliseconds(1000));
    m_pending.clear();
}

void Lane::send(Call&& call, std::chrono::milliseconds timeout) {
    // Our own reference: a timeout may complete (and free) the call before publish returns.
    std::shared_ptr<const std::string> payload = call.payload;
    uint64_t id = m_pending.add(std::move(call), Clock::now() + timeout);
    try {
        m_conn->publish(m_subject, *payload, m_pending.reply_subject(id).view());
    } catch (const std::exception& e) {
        auto failed = m_pending.take(id);
        if (!failed) return;
        Completion c;
        c.outcome = Outcome::other;
        c.detail = e.what();
        c.latency = Clock::now() - failed->intended;
        m_done(*this, std::move(*failed), std::move(c));
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
        } else if (!r.success && r.error && wire::is_overloaded(*r.error)) {
            c.outcome = Outcome::overloaded;
        } else if (!r.success && r.error && wire::is_shutting_down(*r.error)) {
            c.outcome = Outcome::shutting_down;
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
    auto call = m_pending.take_reply(msg.subject());
    if (!call) return;  // timed out already
    Completion c = classify(msg);
    c.latency = now - call->intended;
    m_done(*this, std::move(*call), std::move(c));
}

void Lane::expire(Clock::time_point now) {
    m_pending.expire(now, [&](Call&& call) {
        Completion c;
        c.outcome = Outcome::timeout;
        c.latency = now - call.intended;
        m_done(*this, std::move(call), std::move(c));
    });
}

}  // namespace aegis::load
