#include "core/service/srv_api.hpp"
#include <mutex>
#include <memory>
#include <string>

#include "core/service/service_impl.hpp"
#include "core/util/log.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::service {

SrvResponder::SrvResponder(Service& service, std::shared_ptr<nats::Connection> conn)
    : m_service(service), m_conn(std::move(conn)) {}

void SrvResponder::start() {
    const std::string& name = m_service.name();
    const std::string& id = m_service.instance_id();
    for (const std::string& subject :
         {std::string("$SRV.*"), "$SRV.*." + name, "$SRV.*." + name + "." + id}) {
        m_subs.push_back(m_conn->subscribe(subject, [this](nats::Msg& m) { answer(m); }));
    }
}

void SrvResponder::stop() {
    for (auto& s : m_subs) s.unsubscribe();
    m_subs.clear();
}

void SrvResponder::answer(nats::Msg& msg) {
    if (msg.reply().empty()) return;
    std::string_view subject = msg.subject();
    // $SRV.<VERB>[.<name>[.<id>]]
    auto verb_end = subject.find('.', 5);
    std::string_view verb = subject.substr(5, verb_end == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : verb_end - 5);
    Json body;
    if (verb == "PING") body = ping();
    else if (verb == "INFO") body = info();
    else if (verb == "STATS") body = stats();
    else return;
    try {
        m_conn->publish(msg.reply(), wire::to_json(body));
    } catch (const std::exception& e) {
        log::debug("$SRV reply failed: {}", e.what());
    }
}

Json SrvResponder::common(const char* type) const {
    Json j = Json::object();
    j["type"] = type;
    j["name"] = m_service.name();
    j["id"] = m_service.instance_id();
    j["version"] = m_service.version();
    Json md = Json::object();
    for (auto& [k, v] : m_service.srv_metadata()) md[k] = v;
    // The instance's load, for explore and monitor (metadata values are strings in ADR-32).
    LoadState load;
    {
        const auto& impl = *m_service.m;
        std::lock_guard lock(impl.endpoints_mutex);
        load = impl.load_state();
    }
    md["load"] = load.overloaded ? "overloaded" : "ok";
    md["queued"] = std::to_string(load.queued);
    md["shed"] = std::to_string(load.shed);
    md["expired"] = std::to_string(load.expired);
    j["metadata"] = md;
    return j;
}

Json SrvResponder::ping() const { return common("io.nats.micro.v1.ping_response"); }

namespace {
Json endpoint_metadata(const Endpoint& ep) {
    if (ep.options.metadata.empty()) return Json();
    Json md = Json::object();
    for (auto& [k, v] : ep.options.metadata) md[k] = v;
    return md;
}
}  // namespace

Json SrvResponder::info() const {
    Json j = common("io.nats.micro.v1.info_response");
    j["description"] = m_service.options().description;
    Json eps = Json::array();
    const auto& impl = *m_service.m;
    std::lock_guard lock(impl.endpoints_mutex);
    for (auto& [name, ep] : impl.endpoints) {
        eps.push_back({{"name", name},
                       {"subject", ep->subject},
                       {"queue_group", wire::rpc_queue(m_service.name())},
                       {"metadata", endpoint_metadata(*ep)}});
    }
    j["endpoints"] = std::move(eps);
    return j;
}

Json SrvResponder::stats() const {
    Json j = common("io.nats.micro.v1.stats_response");
    const auto& impl = *m_service.m;
    j["started"] = wire::rfc3339_ms(impl.started_at);
    Json eps = Json::array();
    std::lock_guard lock(impl.endpoints_mutex);
    for (auto& [name, ep] : impl.endpoints) {
        auto s = ep->stats.snapshot();
        auto c = ep->lane.counters();
        // ADR-32 leaves `data` to the service: latency percentiles and the lane's counters.
        Json data = {{"p50_ms", s.p50_ms}, {"p90_ms", s.p90_ms}, {"p99_ms", s.p99_ms},
                     {"queued", c.queued}, {"in_flight", c.in_flight},
                     {"max_pending", c.max_pending}, {"shed", c.shed}, {"expired", c.expired},
                     {"refused", c.refused}, {"dropped", ep->subscription.dropped()}};
        eps.push_back({{"name", name},
                       {"subject", ep->subject},
                       {"queue_group", wire::rpc_queue(m_service.name())},
                       {"num_requests", s.num_requests},
                       {"num_errors", s.num_errors},
                       {"last_error", s.last_error},
                       {"processing_time", s.processing_time_ns},
                       {"average_processing_time", s.average_processing_time_ns},
                       {"data", std::move(data)}});
    }
    j["endpoints"] = std::move(eps);
    return j;
}

}  // namespace aegis::service
