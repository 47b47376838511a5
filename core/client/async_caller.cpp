#include "core/client/async_caller.hpp"
#include <chrono>
#include <memory>
#include <string>

#include <algorithm>
#include <exception>

#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::client {

AsyncCaller::AsyncCaller(std::shared_ptr<nats::Connection> conn)
    : m_conn(std::move(conn)), m_pending(m_conn->new_inbox()) {
    m_sub = m_conn->subscribe(m_pending.wildcard(), [this](nats::Msg& m) { on_reply(m); });
}

AsyncCaller::~AsyncCaller() { m_sub.unsubscribe(); }

void AsyncCaller::call(const std::string& service, const std::string& method, const Json& params,
                       const CallOptions& options, Callback done) {
    // rpc.<service>.<method> on the stack (wire::rpc_subject allocates), from checked names.
    wire::require_rpc_names(service, method);
    char buf[160];
    std::string long_subject;
    std::string_view subject;
    if (service.size() + method.size() + 5 <= sizeof buf) {
        char* p = buf;
        p = std::copy_n("rpc.", 4, p);
        p = std::copy(service.begin(), service.end(), p);
        *p++ = '.';
        p = std::copy(method.begin(), method.end(), p);
        subject = std::string_view(buf, static_cast<size_t>(p - buf));
    } else {
        long_subject = wire::rpc_subject(service, method);
        subject = long_subject;
    }
    send(subject, encode_request(service, method, params, options), options.timeout,
         std::move(done));
}

void AsyncCaller::send(std::string_view subject, std::string_view payload,
                       std::chrono::milliseconds timeout, Callback done) {
    auto now = std::chrono::steady_clock::now();
    uint64_t id = m_pending.add(Pending{std::move(done), now}, now + timeout);
    try {
        m_conn->publish(subject, payload, m_pending.reply_subject(id).view());
    } catch (...) {
        m_pending.take(id);
        throw;
    }
}

void AsyncCaller::on_reply(nats::Msg& msg) {
    auto p = m_pending.take_reply(msg.subject());
    if (!p) return;  // expired already
    AsyncReply r;
    r.rtt = std::chrono::steady_clock::now() - p->sent;
    if (msg.is_no_responders()) {
        r.failure = "no responders";
    } else {
        try {
            r.response = wire::decode_rpc_response(msg.data());
            r.instance = answering_instance(msg.header("Aegis-Instance"), r.response.result);
            r.ok = true;
        } catch (const std::exception& e) {
            r.failure = e.what();
        }
    }
    p->done(std::move(r));
}

void AsyncCaller::expire() {
    auto now = std::chrono::steady_clock::now();
    m_pending.expire(now, [now](Pending&& p) {
        AsyncReply r;
        r.failure = "timeout";
        r.rtt = now - p.sent;
        p.done(std::move(r));
    });
}

size_t AsyncCaller::in_flight() const { return m_pending.size(); }

}  // namespace aegis::client
