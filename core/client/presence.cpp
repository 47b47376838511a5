#include "core/client/presence.hpp"
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <algorithm>
#include <set>

#include "core/client/srv_client.hpp"
#include "core/registry/registry.hpp"
#include "core/util/text.hpp"
#include "core/wire/names.hpp"

namespace aegis::client {

Presence presence_of(const std::shared_ptr<nats::Connection>& conn, const std::string& service) {
    Presence p;
    try {
        auto reg = registry::Registry::open_existing(conn, std::chrono::milliseconds(300));
        if (!reg) return p;  // no registry bucket: nothing is registered
        registry::ListOptions lo;
        lo.include_stale = true;
        std::set<std::string> names;
        for (const auto& l : reg->list(lo)) {
            names.insert(l.instance.service_name);
            if (l.instance.service_name != service) continue;
            l.stale ? ++p.stale : ++p.live;
        }
        if (p.live + p.stale == 0) p.nearest = util::closest(service, names);
    } catch (const Error&) {
        // JetStream did not answer in time, or not at all: the registry says nothing.
        p = Presence{};
        p.known = false;
    }
    return p;
}

AnnouncedMethods announced_methods(nats::Connection& conn, const std::string& service) {
    std::set<std::string> names, exclusive;
    try {
        SrvGather g;
        g.verbs = {SrvVerb::info};
        g.service = service;
        g.window = std::chrono::milliseconds(100);
        g.max_wait = std::chrono::milliseconds(400);
        g.complete = [](const std::vector<SrvReply>& got) { return !got.empty(); };
        for (const auto& r : srv_gather(conn, g)) {
            auto eps = r.body.find("endpoints");
            if (eps == r.body.end() || !eps->is_array()) continue;
            for (const auto& ep : *eps) {
                if (!ep.is_object() || !ep.contains("name") || !ep["name"].is_string()) continue;
                auto name = ep["name"].get<std::string>();
                names.insert(name);
                auto md = ep.find("metadata");
                if (md != ep.end() && md->is_object() && md->value("exclusive", Json()) == "true")
                    exclusive.insert(name);
            }
        }
    } catch (const Error&) {
    }
    return {{names.begin(), names.end()}, {exclusive.begin(), exclusive.end()}};
}

std::vector<std::string> srv_methods(nats::Connection& conn, const std::string& service) {
    return announced_methods(conn, service).all;
}

bool require_announced_method(nats::Connection& conn, const std::string& service,
                              const std::string& method, const std::string& hint) {
    auto methods = srv_methods(conn, service);
    if (methods.empty()) return false;
    if (std::find(methods.begin(), methods.end(), method) != methods.end()) return true;
    std::string list;
    for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
    std::string near = util::closest(method, methods);
    throw DataError("'" + service + "' has no method '" + method + "' (methods: " + list + ")",
                    near.empty() ? hint : "did you mean '" + near + "'?");
}

NoRespondersError explain_no_responders(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service, const std::string& method) {
    std::string subject = wire::rpc_subject(service, method);
    auto methods = srv_methods(*conn, service);
    bool listed = false;
    std::string list;
    for (const auto& m : methods) {
        listed = listed || m == method;
        list += (list.empty() ? "" : ", ") + m;
    }
    if (!methods.empty() && !listed) {
        std::string near = util::closest(method, methods);
        return NoRespondersError("'" + service + "' has no method '" + method + "' (methods: " +
                                     list + ")",
                                 near.empty() ? "" : "did you mean '" + near + "'?");
    }
    if (!methods.empty())  // it is there, nobody is subscribed right now (between leaders?)
        return NoRespondersError("no responders for '" + subject + "'",
                                 "'" + service + "' lists '" + method +
                                     "' but no instance took it: a single-active service "
                                     "between leaders? try 'aegis explore " + service + "'");
    auto p = presence_of(conn, service);
    if (!p.known)
        return NoRespondersError("no responders for '" + subject + "'",
                                 "is '" + service + "' running? (the registry did not answer: "
                                 "try 'aegis validate')");
    if (p.live + p.stale == 0)
        return NoRespondersError("no instance of '" + service + "' is registered",
                                 p.nearest.empty() ? "is it running? try 'aegis explore'"
                                                   : "did you mean '" + p.nearest + "'?");
    if (p.live == 0)
        return NoRespondersError("no responders for '" + subject + "'",
                                 "'" + service + "' has only stale registry entries: it stopped "
                                 "without deregistering; try 'aegis explore " + service + "'");
    return NoRespondersError("no responders for '" + subject + "'",
                             "is '" + service + "' running? try 'aegis explore " + service + "'");
}

}  // namespace aegis::client
