#include "core/service/service.hpp"

#include <cstdio>

#include "core/service/service_impl.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis {

Service::Service(std::shared_ptr<nats::Connection> conn, ServiceOptions options)
    : m(std::make_unique<Impl>()) {
    wire::require_service_name(options.name);
    if (options.instance_id.empty()) options.instance_id = wire::default_instance_id(options.name);
    wire::require_instance_id(options.instance_id);
    m->self = this;
    m->conn = std::move(conn);
    m->options = std::move(options);
    m->instance.service_name = m->options.name;
    m->instance.instance_id = m->options.instance_id;
    m->instance.version = m->options.version;
}

Service::~Service() {
    try {
        stop();
    } catch (...) {
    }
}

Service& Service::rpc(const std::string& method, RpcHandler handler, EndpointOptions opts) {
    return rpc(method,
               RpcHandlerEx([h = std::move(handler)](const Json& p, const RpcContext&) {
                   return h(p);
               }),
               std::move(opts));
}

Service& Service::rpc(const std::string& method, RpcHandlerEx handler, EndpointOptions opts) {
    wire::require_method_name(method);
    auto ep = std::make_unique<Endpoint>();
    ep->method = method;
    ep->subject = wire::rpc_subject(m->options.name, method);
    ep->handler = std::move(handler);
    ep->options = std::move(opts);
    bool subscribe_now = running() && ep->options.subscribe;
    {
        std::lock_guard lock(m->endpoints_mutex);
        if (m->endpoints.count(method)) throw UsageError("method '" + method + "' registered twice");
        m->endpoints[method] = std::move(ep);
    }
    if (subscribe_now) subscribe_endpoint(method);
    return *this;
}

void Service::subscribe_endpoint(const std::string& method) {
    std::lock_guard lock(m->endpoints_mutex);
    auto it = m->endpoints.find(method);
    if (it == m->endpoints.end()) throw UsageError("no method '" + method + "'");
    Endpoint& ep = *it->second;
    if (ep.subscription.active()) return;
    Impl* impl = m.get();
    ep.subscription = m->conn->subscribe(
        ep.subject, [impl, &ep](nats::Msg& msg) { impl->dispatch(ep, msg); },
        ep.options.queue_group ? wire::rpc_queue(m->options.name) : std::string());
}

void Service::unsubscribe_endpoint(const std::string& method, bool drain) {
    nats::Subscription sub;
    {
        std::lock_guard lock(m->endpoints_mutex);
        auto it = m->endpoints.find(method);
        if (it == m->endpoints.end()) return;
        sub = std::move(it->second->subscription);
    }
    if (drain)
        sub.drain();
    else
        sub.unsubscribe();
}

void Service::start() {
    if (m->running.exchange(true)) return;
    m->stop_requested = false;
    m->started_at = std::chrono::system_clock::now();
    {
        std::lock_guard lock(m->instance_mutex);
        m->instance.metadata["start_time"] = wire::iso_timestamp(m->started_at);
        m->instance.metadata["sdk"] = "aegis-cpp";
        // Declared so that readers judge this instance's heartbeats by its own rhythm.
        m->instance.metadata["heartbeat_interval_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(m->options.heartbeat_interval)
                .count();
    }
    if (m->options.workers > 0) m->start_workers();
    std::vector<std::string> to_subscribe;
    {
        std::lock_guard lock(m->endpoints_mutex);
        for (auto& [name, ep] : m->endpoints)
            if (ep->options.subscribe) to_subscribe.push_back(name);
    }
    for (auto& name : to_subscribe) subscribe_endpoint(name);
    m->start_extras();
    if (m->options.services_api) {
        m->srv = std::make_unique<service::SrvResponder>(*this, m->conn);
        m->srv->start();
    }
    if (m->options.register_instance) {
        m->registry = std::make_unique<registry::Registry>(m->conn);
        // A bucket another process has just created can answer "no responders" for a moment
        // (its stream is not listening yet): retry for up to 3 s before giving up.
        for (int attempt = 1;; ++attempt) {
            try {
                m->write_registry();
                break;
            } catch (const NoRespondersError&) {
                if (attempt == 30) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        m->heartbeat_stop = false;
        m->heartbeat_thread = std::thread([impl = m.get()] { impl->heartbeat_loop(); });
    }
    m->conn->flush();
    after_start();
    log::debug("service '{}' instance '{}' started", name(), instance_id());
}

void Service::stop() {
    if (!m->running.exchange(false)) return;
    before_stop();
    {
        std::lock_guard lock(m->heartbeat_mutex);
        m->heartbeat_stop = true;
    }
    m->heartbeat_cv.notify_all();
    if (m->heartbeat_thread.joinable()) m->heartbeat_thread.join();
    m->stop_extras();
    // Stop taking requests and let the ones in flight finish before we disappear.
    std::vector<nats::Subscription> subs;
    {
        std::lock_guard lock(m->endpoints_mutex);
        for (auto& [name, ep] : m->endpoints) subs.push_back(std::move(ep->subscription));
    }
    for (auto& s : subs) s.drain();
    m->stop_workers();
    // Without a connection a KV delete would only wait out its timeout (nats.c buffers it for a
    // reconnect that may never come): stop at once and let the entry go stale.
    const bool connected = m->conn->is_connected();
    // Stop answering $SRV before the registry entry goes: observers then never see an instance
    // that answers but is not registered.
    if (m->srv) m->srv->stop();
    if (m->registry && connected) {
        try {
            m->registry->remove(name(), instance_id());
        } catch (const std::exception& e) {
            log::warn("could not deregister '{}': {}", instance_id(), e.what());
        }
    } else if (m->registry) {
        log::warn("NATS is unreachable: the registry entry of '{}' stays until it is stale",
                  instance_id());
    }
    if (connected) {
        try {
            m->conn->flush();
        } catch (...) {
        }
    }
}

int Service::run() {
    util::install_stop_signals();
    try {
        start();
    } catch (const Error& e) {
        // run() is what a service's main() returns: one line and the exit code, not a crash.
        std::string line = name() + ": error: " + e.what();
        if (!e.hint().empty()) line += " (" + e.hint() + ")";
        std::fprintf(stderr, "%s\n", line.c_str());
        stop();
        return e.code();
    }
    util::wait_for_stop([this] { return m->stop_requested.load(); });
    stop();
    return 0;
}

void Service::request_stop() { m->stop_requested = true; }
bool Service::running() const { return m->running.load(); }

void Service::set_metadata(const std::string& key, Json value) {
    std::lock_guard lock(m->instance_mutex);
    m->instance.metadata[key] = std::move(value);
}

void Service::erase_metadata(const std::string& key) {
    std::lock_guard lock(m->instance_mutex);
    m->instance.metadata.erase(key);
}

Json Service::metadata() const {
    std::lock_guard lock(m->instance_mutex);
    return m->instance.metadata;
}

void Service::set_status(const std::string& status) {
    if (status != "ACTIVE" && status != "UNHEALTHY" && status != "STANDBY")
        throw UsageError("status must be ACTIVE, UNHEALTHY or STANDBY, not '" + status + "'");
    {
        std::lock_guard lock(m->instance_mutex);
        m->instance.status = status;
    }
    if (running()) heartbeat_now();
}

std::string Service::status() const {
    std::lock_guard lock(m->instance_mutex);
    return m->instance.status;
}

void Service::heartbeat_now() {
    // While disconnected the put would wait out its timeout; the next beat after the reconnect
    // writes the entry.
    if (m->registry && m->conn->is_connected()) m->write_registry();
}

const std::string& Service::name() const { return m->options.name; }
const std::string& Service::instance_id() const { return m->options.instance_id; }
const std::string& Service::version() const { return m->options.version; }
const ServiceOptions& Service::options() const { return m->options; }
std::shared_ptr<nats::Connection> Service::connection() const { return m->conn; }
registry::Registry* Service::registry() { return m->registry.get(); }

std::vector<std::string> Service::methods() const {
    std::lock_guard lock(m->endpoints_mutex);
    std::vector<std::string> out;
    for (auto& [name, ep] : m->endpoints) out.push_back(name);
    return out;
}

service::EndpointStats* Service::stats(const std::string& method) {
    std::lock_guard lock(m->endpoints_mutex);
    auto it = m->endpoints.find(method);
    return it == m->endpoints.end() ? nullptr : &it->second->stats;
}

void Service::decorate(registry::ServiceInstance&) const {}

std::map<std::string, std::string> Service::srv_metadata() const {
    return {{"aegis_sdk", "cpp"}, {"instance_id", instance_id()}};
}

void Service::Impl::write_registry() {
    registry::ServiceInstance copy;
    {
        std::lock_guard lock(instance_mutex);
        instance.last_heartbeat = wire::iso_now();
        copy = instance;
    }
    self->decorate(copy);
    registry->put(copy);
}

void Service::Impl::heartbeat_loop() {
    std::unique_lock lock(heartbeat_mutex);
    while (!heartbeat_stop) {
        heartbeat_cv.wait_for(lock, options.heartbeat_interval, [this] { return heartbeat_stop; });
        if (heartbeat_stop) break;
        lock.unlock();
        try {
            // While disconnected a put would sit in the reconnect buffer until it times out and
            // hold up a stop; the next beat after the reconnect rewrites the entry.
            if (conn->is_connected()) write_registry();
            else log::debug("heartbeat for '{}' skipped: NATS disconnected", options.instance_id);
        } catch (const std::exception& e) {
            // Keep beating: a registry outage must not take a healthy instance out for good.
            log::warn("heartbeat for '{}' failed: {}", options.instance_id, e.what());
        }
        lock.lock();
    }
}

}  // namespace aegis
