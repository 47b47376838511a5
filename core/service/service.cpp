#include "core/service/service.hpp"
#include <map>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <cstdio>
#include <cstdlib>

#include "core/registry/prune.hpp"
#include "core/service/host_metadata.hpp"
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
    if (const char* env = std::getenv(wire::k_instance_id_env);
        options.instance_id.empty() && env && *env)
        options.instance_id = env;
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
    // A handler that outlived the grace period still runs on a detached thread and uses this
    // state (its lane, the connection): leave it allocated, the process is exiting.
    if (m && m->abandoned) (void)m.release();
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
    m->open_lane(ep);
    ep.subscription = m->connection_for(ep).subscribe(
        ep.subject, [impl, &ep](nats::Msg& msg) { impl->dispatch(ep, msg); },
        ep.options.queue_group ? wire::rpc_queue(m->options.name) : std::string(),
        m->pending_limits(ep));
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
    m->stopping = false;
    m->started_at = std::chrono::system_clock::now();
    {
        std::lock_guard lock(m->instance_mutex);
        m->instance.metadata["start_time"] = wire::iso_timestamp(m->started_at);
        m->instance.metadata["sdk"] = "aegis-cpp";
        // Host and pod names: where to find this instance (aegis failover --k8s kills its pod).
        Json host = service::host_metadata();  // kept: items() does not own what it walks
        for (auto& [key, value] : host.items())
            if (!m->instance.metadata.contains(key)) m->instance.metadata[key] = value;
        // Declared so that readers judge this instance's heartbeats by its own rhythm.
        m->instance.metadata["heartbeat_interval_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(m->options.heartbeat_interval)
                .count();
    }
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
    }
    // Before start() returns, not on the heartbeat thread: whoever started the service then
    // knows that entries written after it are left alone.
    m->prune_own_dead();
    // The heartbeat thread also repairs what a reconnect may have lost (a server restarted with
    // an empty store): the listener only wakes it, nats.c's callback thread must not block.
    m->heartbeat_stop = false;
    m->reconnected = false;
    m->reconnect_listener = m->conn->add_reconnect_listener([impl = m.get()] {
        {
            std::lock_guard lock(impl->heartbeat_mutex);
            impl->reconnected = true;
        }
        impl->heartbeat_cv.notify_all();
    });
    m->heartbeat_thread = std::thread([impl = m.get()] { impl->heartbeat_loop(); });
    m->conn->flush();
    after_start();
    log::debug("service '{}' instance '{}' started", name(), instance_id());
}

void Service::stop() {
    if (!m->running.exchange(false)) return;
    // From here every request is answered SHUTTING_DOWN (retryable: it has not run), and a
    // further signal cuts the grace period short; the one after that exits at once.
    m->stopping = true;
    const int signals_at_stop = util::stop_signal_count();
    util::exit_on_signal_count(signals_at_stop + 2);
    before_stop();
    m->stop_extras();
    // Stop taking requests: what nats.c already holds passes admission, which refuses it.
    std::vector<nats::Subscription> subs;
    {
        std::lock_guard lock(m->endpoints_mutex);
        for (auto& [name, ep] : m->endpoints) subs.push_back(std::move(ep->subscription));
    }
    for (auto& s : subs) s.drain();
    // Queued requests are answered now; running handlers get the grace period. The instance
    // keeps heartbeating meanwhile, so it never shows as stale while it still answers.
    if (!m->finish_lanes(signals_at_stop)) m->abandoned = true;
    {
        std::lock_guard lock(m->heartbeat_mutex);
        m->heartbeat_stop = true;
    }
    m->heartbeat_cv.notify_all();
    m->conn->remove_reconnect_listener(m->reconnect_listener);
    if (m->heartbeat_thread.joinable()) m->heartbeat_thread.join();
    deregister();
    util::exit_on_signal_count(0);
}

void Service::deregister() {
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
bool Service::handlers_abandoned() const { return m && m->abandoned; }
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
    using Clock = std::chrono::steady_clock;
    // After a reconnect the store may have been lost and JetStream may need a moment: retry
    // every 200 ms until the entry is written instead of waiting a whole heartbeat interval.
    // Bounded (50 × 200 ms): what cannot be restored by then waits for the regular beat.
    constexpr auto k_recovery_retry = std::chrono::milliseconds(200);
    constexpr int k_recovery_attempts = 50;
    bool recovering = false;
    int attempts = 0;
    auto next = Clock::now() + options.heartbeat_interval;
    std::unique_lock lock(heartbeat_mutex);
    while (!heartbeat_stop) {
        heartbeat_cv.wait_until(lock, next, [this] { return heartbeat_stop || reconnected; });
        if (heartbeat_stop) break;
        if (!reconnected && Clock::now() < next) continue;  // spurious wake-up
        if (std::exchange(reconnected, false)) {
            recovering = true;
            attempts = 0;
        }
        lock.unlock();
        bool ok = beat(recovering);
        lock.lock();
        if (recovering && !ok && ++attempts < k_recovery_attempts) {
            next = Clock::now() + k_recovery_retry;
        } else {
            recovering = false;
            next = Clock::now() + options.heartbeat_interval;
        }
    }
}

// Entries of this service left by instances that were killed (no clean deregistration) are
// removed at start, so they do not pile up over restarts and failover runs. Only the clearly
// dead: older than three of our heartbeat intervals and the readers' threshold, each deleted
// at the revision it was judged on (an instance that heartbeats meanwhile is kept).
void Service::Impl::prune_own_dead() {
    if (!registry) return;
    try {
        registry::PruneOptions po;
        po.service = options.name;
        po.stale_after = registry::self_prune_threshold(options.heartbeat_interval);
        for (auto& r : registry::prune_stale(*registry, po))
            if (r.outcome == registry::PruneResult::Outcome::deleted)
                log::info("'{}': removed the registry entry of dead instance '{}' (silent {:.0f}s)",
                          options.instance_id, r.instance_id, r.age_seconds);
    } catch (const std::exception& e) {
        log::debug("'{}': could not prune dead entries: {}", options.instance_id, e.what());
    }
}

bool Service::Impl::beat(bool after_reconnect) {
    // While disconnected a put would sit in the reconnect buffer until it times out and hold up
    // a stop; the reconnect listener wakes this thread again once the connection is back.
    if (!conn->is_connected()) {
        log::debug("heartbeat for '{}' skipped: NATS disconnected", options.instance_id);
        return false;
    }
    try {
        bool restored = !after_reconnect || recover_storage();
        if (registry) write_registry();
        if (after_reconnect)
            log::debug("'{}' re-registered after a reconnect", options.instance_id);
        return restored;
    } catch (const std::exception& e) {
        // Keep beating: a registry outage must not take a healthy instance out for good.
        log::warn("heartbeat for '{}' failed: {}", options.instance_id, e.what());
        return false;
    }
}

}  // namespace aegis
