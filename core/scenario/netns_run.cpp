#include "core/scenario/netns_run.hpp"
#include <fmt/format.h>
#include <chrono>
#include <string>

#include "core/nats/connection.hpp"
#include "core/scenario/ns_cluster.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

ScenarioCluster::ScenarioCluster() = default;
ScenarioCluster::~ScenarioCluster() = default;

StepResult ScenarioCluster::start(RunOptions& o) {
    StepResult r;
    r.phase = "setup";
    r.kind = "netns";
    auto t0 = std::chrono::steady_clock::now();
    try {
        m_cluster = std::make_unique<NsCluster>();
        nats::ConnectOptions co;
        co.servers = m_cluster->url_list();
        co.name = "aegis test";
        // A partition is silent: pings are how this connection notices its node was cut, and
        // moves to another one, in ~2 s rather than nats.c's default minutes.
        co.ping_interval = std::chrono::milliseconds(1000);
        o.conn = nats::Connection::connect(co);
        o.server = m_cluster->urls();
        o.cluster = m_cluster.get();
        r.title = fmt::format("3-node cluster in network namespaces netns{}-* ({})",
                              m_cluster->fabric().id(), m_cluster->urls());
    } catch (const std::exception& e) {
        r.status = Status::failed;
        r.title = "3-node cluster in network namespaces";
        r.message = e.what();
        m_cluster.reset();
    }
    r.duration_ms = util::millis(std::chrono::steady_clock::now() - t0);
    return r;
}

}  // namespace aegis::scenario
