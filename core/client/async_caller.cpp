#include "core/client/async_caller.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <string>

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis::client {

AsyncCaller::AsyncCaller(std::shared_ptr<nats::Connection> conn) : m_conn(std::move(conn)) {
    m_prefix = m_conn->new_inbox() + ".";
    m_sub = m_conn->subscribe(m_prefix + "*", [this](nats::Msg& m) { on_reply(m); });
}

AsyncCaller::~AsyncCaller() { m_sub.unsubscribe(); }

void AsyncCaller::call(const std::string& service, const std::string& method, const Json& params,
                       const CallOptions& options, Callback done) {
    // rpc.<service>.<method> on the stack (wire::rpc_subject allocates).
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
    uint64_t id;
    {
        std::lock_guard lock(m_mutex);
        id = ++m_next;
        m_pending.emplace(id, Pending{std::move(done), now, now + timeout});
    }
    char reply[192];
    std::string long_reply;
    std::string_view reply_to;
    if (m_prefix.size() + 21 <= sizeof reply) {
        char* p = std::copy(m_prefix.begin(), m_prefix.end(), reply);
        p = std::to_chars(p, reply + sizeof reply, id).ptr;
        reply_to = std::string_view(reply, static_cast<size_t>(p - reply));
    } else {
        long_reply = m_prefix + std::to_string(id);
        reply_to = long_reply;
    }
    try {
        m_conn->publish(subject, payload, reply_to);
    } catch (...) {
        std::lock_guard lock(m_mutex);
        m_pending.erase(id);
        throw;
    }
}

void AsyncCaller::on_reply(nats::Msg& msg) {
    std::string_view subject = msg.subject();
    uint64_t id = 0;
    auto token = subject.substr(m_prefix.size());
    std::from_chars(token.data(), token.data() + token.size(), id);
    Pending p;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pending.find(id);
        if (it == m_pending.end()) return;  // expired already
        p = std::move(it->second);
        m_pending.erase(it);
    }
    AsyncReply r;
    r.rtt = std::chrono::steady_clock::now() - p.sent;
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
    p.done(std::move(r));
}

void AsyncCaller::expire() {
    auto now = std::chrono::steady_clock::now();
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
        AsyncReply r;
        r.failure = "timeout";
        r.rtt = now - p.sent;
        p.done(std::move(r));
    }
}

size_t AsyncCaller::in_flight() const {
    std::lock_guard lock(m_mutex);
    return m_pending.size();
}

}  // namespace aegis::client
