// The cluster behind the URL: how many servers the connection knows (configured and announced),
// which of them answer, and whether each is routed into the JetStream cluster (a node cut off
// from its routes cannot reach the meta leader and refuses JetStream requests).
#include <fmt/format.h>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include "core/config/connect.hpp"
#include "core/doctor/doctor_internal.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::doctor {

namespace {

enum class NodeState { unreachable, isolated, routed };

NodeState probe_node(Run& r, const std::string& url) {
    auto o = config::connect_options(r.config, url, "aegis validate");
    o.max_reconnect = 0;
    o.connect_timeout = std::min(r.options.timeout, std::chrono::milliseconds(1000));
    o.on_disconnected = nullptr;
    o.on_reconnected = nullptr;
    std::shared_ptr<nats::Connection> c;
    try {
        c = nats::Connection::connect(o);
    } catch (const Error&) {
        return NodeState::unreachable;
    }
    try {
        auto reply = c->request("$JS.API.INFO", "", o.connect_timeout);
        Json j = wire::from_json(std::string(reply.data()));
        return j.contains("error") ? NodeState::isolated : NodeState::routed;
    } catch (const Error&) {
        return NodeState::isolated;
    }
}

// The cluster's name and the registry stream's placement, when the bucket exists.
std::string cluster_name(Run& r) {
    try {
        auto info = nats::stream_info(*r.conn, "KV_service_registry");
        if (info && !info->cluster_name.empty()) return " '" + info->cluster_name + "'";
    } catch (const Error&) {
    }
    return "";
}

}  // namespace

void check_cluster(Run& r) {
    // Also without a JetStream answer: a cluster that lost its meta leader is when this helps.
    if (!r.conn) return;
    auto servers = r.conn->known_servers();
    r.cluster_size = static_cast<int>(servers.size());
    if (servers.size() <= 1) {
        r.add("nats", "cluster", Status::ok, "a single server (no cluster)");
        return;
    }
    std::vector<std::string> unreachable, isolated;
    for (auto& url : servers) {
        switch (probe_node(r, url)) {
        case NodeState::unreachable: unreachable.push_back(nats::redact_url(url)); break;
        case NodeState::isolated: isolated.push_back(nats::redact_url(url)); break;
        case NodeState::routed: break;
        }
    }
    size_t routed = servers.size() - unreachable.size() - isolated.size();
    std::string msg = fmt::format("{} servers{}: {} routed into the JetStream cluster",
                                  servers.size(), cluster_name(r), routed);
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
        return out;
    };
    if (!unreachable.empty()) msg += "; unreachable: " + join(unreachable);
    if (!isolated.empty()) msg += "; no route to the JetStream leader: " + join(isolated);
    if (unreachable.empty() && isolated.empty()) {
        r.add("nats", "cluster", Status::ok, msg + " (routes up)");
        return;
    }
    // A majority still serves JetStream: a warning; without one, buckets stop answering.
    bool quorum = routed * 2 > servers.size();
    r.add("nats", "cluster", quorum ? Status::warn : Status::fail, msg,
          "start the missing servers again ('aegis up --cluster N' restarts the local ones) "
          "and check their logs for route errors");
}

}  // namespace aegis::doctor
