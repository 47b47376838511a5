#include "core/client/srv_client.hpp"

#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::client {

namespace {
const char* verb_name(SrvVerb v) {
    switch (v) {
    case SrvVerb::info: return "INFO";
    case SrvVerb::stats: return "STATS";
    default: return "PING";
    }
}
const char* verb_type(SrvVerb v) {
    switch (v) {
    case SrvVerb::info: return "io.nats.micro.v1.info_response";
    case SrvVerb::stats: return "io.nats.micro.v1.stats_response";
    default: return "io.nats.micro.v1.ping_response";
    }
}
}  // namespace

std::vector<SrvReply> srv_request(nats::Connection& conn, SrvVerb verb, const std::string& service,
                                  const std::string& id, std::chrono::milliseconds window,
                                  std::chrono::milliseconds max_wait) {
    std::string subject = std::string("$SRV.") + verb_name(verb);
    if (!service.empty()) subject += "." + service;
    if (!service.empty() && !id.empty()) subject += "." + id;
    std::string inbox = conn.new_inbox();
    auto sub = conn.subscribe_sync(inbox);
    auto t0 = std::chrono::steady_clock::now();
    conn.publish(subject, "", inbox);
    std::vector<SrvReply> out;
    auto end = t0 + max_wait;
    // Wait the full max_wait for the first reply only when targeting one instance.
    auto quiet_until = t0 + window;
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        auto until = std::min(end, quiet_until);
        if (now >= until) break;
        auto m = sub.next(std::chrono::duration_cast<std::chrono::milliseconds>(until - now));
        if (!m || m.data().empty()) continue;
        try {
            Json body = wire::from_json(m.data());
            if (!body.is_object() || body.value("type", "") != verb_type(verb)) continue;
            out.push_back({std::move(body), std::chrono::steady_clock::now() - t0});
            quiet_until = std::chrono::steady_clock::now() + window;
        } catch (const DataError&) {
            continue;  // not a micro reply
        }
    }
    return out;
}

}  // namespace aegis::client
