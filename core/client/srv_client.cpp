#include "core/client/srv_client.hpp"
#include <chrono>
#include <vector>
#include <string>

#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/subjects.hpp"

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

std::vector<SrvReply> srv_gather(nats::Connection& conn, const SrvGather& g) {
    std::string suffix;
    if (!g.service.empty()) wire::require_target_name("service name", g.service);
    if (!g.service.empty() && !g.id.empty()) wire::require_target_name("instance id", g.id);
    if (!g.service.empty()) suffix += "." + g.service;
    if (!g.service.empty() && !g.id.empty()) suffix += "." + g.id;
    // One inbox for every verb: the reply's `type` says which verb it answers.
    std::string inbox = conn.new_inbox();
    auto sub = conn.subscribe_sync(inbox);
    auto t0 = std::chrono::steady_clock::now();
    for (SrvVerb v : g.verbs) conn.publish(std::string("$SRV.") + verb_name(v) + suffix, "", inbox);
    std::vector<SrvReply> out;
    auto end = t0 + g.max_wait;
    auto last = t0;
    // Poll in short slices so a `complete` predicate that turns true later is noticed quickly.
    constexpr auto k_slice = std::chrono::milliseconds(10);
    for (;;) {
        auto now = std::chrono::steady_clock::now();
        bool done = g.complete && g.complete(out);
        // One instance asked by id: its first reply may take up to max_wait (a busy machine).
        auto quiet = done ? g.settle : (out.empty() && !g.id.empty() ? g.max_wait : g.window);
        auto until = std::min(end, last + quiet);
        if (now >= until) break;
        nats::Msg m;
        try {
            auto wait = std::min<std::chrono::steady_clock::duration>(until - now, k_slice);
            m = sub.next(std::chrono::ceil<std::chrono::milliseconds>(wait));
        } catch (const NoRespondersError&) {
            break;  // nobody answers this subject at all
        }
        if (!m || m.data().empty()) continue;
        try {
            Json body = wire::from_json(m.data());
            if (!body.is_object()) continue;
            auto t = body.find("type");
            std::string type = t != body.end() && t->is_string() ? t->get<std::string>() : "";
            for (SrvVerb v : g.verbs) {
                if (type != verb_type(v)) continue;
                last = std::chrono::steady_clock::now();
                out.push_back({std::move(body), last - t0, v});
                break;
            }
        } catch (const DataError&) {
            continue;  // not a micro reply
        }
    }
    return out;
}

std::vector<SrvReply> srv_request(nats::Connection& conn, SrvVerb verb, const std::string& service,
                                  const std::string& id, std::chrono::milliseconds window,
                                  std::chrono::milliseconds max_wait) {
    SrvGather g;
    g.verbs = {verb};
    g.service = service;
    g.id = id;
    g.window = window;
    g.max_wait = max_wait;
    return srv_gather(conn, g);
}

}  // namespace aegis::client
