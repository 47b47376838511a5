#pragma once
// aegis::Service: RPC handlers on rpc.<service>.<method> in queue group rpc.<service>, registry
// registration with heartbeats, the NATS Services API, and a clean stop on SIGINT / SIGTERM.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/client/event_publisher.hpp"
#include "core/service/command_types.hpp"
#include "core/service/event_types.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/json.hpp"

namespace aegis::nats {
class Connection;
}
namespace aegis::registry {
class Registry;
struct ServiceInstance;
}  // namespace aegis::registry

namespace aegis {

namespace service {
class EndpointStats;
class SrvResponder;
}  // namespace service

struct RpcContext {
    const wire::RpcRequest& request;
    const std::string& instance_id;
};

// Thrown by a handler that must not answer at all (a fenced leader drops a request another
// instance may be serving): the request gets no reply, not even an error.
class NoReply : public std::exception {
public:
    const char* what() const noexcept override { return "no reply"; }
};

using RpcHandler = std::function<Json(const Json& params)>;
using RpcHandlerEx = std::function<Json(const Json& params, const RpcContext& ctx)>;

struct ServiceOptions {
    std::string name;
    std::string instance_id;  // default <name>-<8 hex>
    std::string version = "1.0.0";
    std::string description;
    std::chrono::milliseconds heartbeat_interval{10000};
    // Format for messages this service originates; replies use the requester's format.
    wire::Format format = wire::Format::msgpack;
    bool register_instance = true;
    bool services_api = true;
    // Each method has a lane of its own: a bounded queue and threads started on demand, so a
    // slow method never holds up a fast one (docs/sdk.md, "Overload and stopping").
    // 0 or 1: one request at a time per method, in arrival order; N > 1: up to N at once.
    int workers = 0;
    // Requests that may wait per method beyond those running; one more is answered at once
    // with a retryable OVERLOADED error, never queued. EndpointOptions can override it.
    int max_pending = 256;
    // A request that waited longer than this is dropped unrun (0: only the caller's own
    // timeout, which always counts: a request whose caller has given up never runs).
    std::chrono::milliseconds max_queue_wait{0};
    // On stop (SIGTERM / SIGINT): how long running handlers may take to finish. Queued requests
    // are answered SHUTTING_DOWN at once; a second signal ends the wait.
    std::chrono::milliseconds stop_grace{10000};
    // Each method's requests arrive, and its replies leave, on a NATS connection of its own:
    // one TCP stream each, so megabytes of a flooded method's requests (and of its OVERLOADED
    // answers) never sit in front of another method's. false: every method shares the
    // service's connection. Methods with EndpointOptions::own_connection false always do.
    bool connection_per_method = true;
};

struct EndpointOptions {
    bool subscribe = true;  // false: registered, subscribed later (exclusive methods)
    // In queue group rpc.<service> (one instance gets each request). false: a plain
    // subscription, every subscribed instance gets every request.
    bool queue_group = true;
    std::map<std::string, std::string> metadata;  // $SRV endpoint metadata
    int max_pending = -1;  // -1: ServiceOptions::max_pending
    int workers = -1;      // -1: ServiceOptions::workers
    // See ServiceOptions::connection_per_method. Exclusive (single-active) methods keep the
    // service's connection: their leadership fence is tied to its reconnects.
    bool own_connection = true;
};

class Service {
public:
    Service(std::shared_ptr<nats::Connection> conn, ServiceOptions options);
    virtual ~Service();
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    Service& rpc(const std::string& method, RpcHandler handler, EndpointOptions opts = {});
    Service& rpc(const std::string& method, RpcHandlerEx handler, EndpointOptions opts = {});

    // Events (docs/events.md): subscriptions start and stop with the service; `pattern` is the
    // full subject with wildcards, e.g. "events.order.*".
    Service& subscribe(const std::string& pattern, EventMode mode, EventHandler handler,
                       SubscribeOptions options = {});
    Service& subscribe(const std::string& pattern, EventMode mode, EventHandlerEx handler,
                       SubscribeOptions options = {});
    // events.<domain>.<event_type> via JetStream; source = this instance.
    nats::PubAck publish(const std::string& domain, const std::string& event_type,
                         const Json& payload = Json::object(), const PublishOptions& options = {});
    std::vector<SubscriptionStats> event_stats() const;
    // Re-check exclusive subscriptions' is_leader now (call it from a leadership callback).
    void refresh_leadership();
    // Commands (docs/protocol.md §5): commands.<service>.<command> on the COMMANDS work queue.
    Service& command(const std::string& name, CommandHandler handler, CommandOptions options = {});

    virtual void start();
    // Takes no new work, answers queued requests SHUTTING_DOWN, gives running handlers up to
    // options().stop_grace (a further SIGINT / SIGTERM ends the wait), then deregisters.
    virtual void stop();
    // start(), block until SIGINT / SIGTERM or request_stop(), stop(); returns the exit code
    // (0, or the code of the aegis::Error that start() threw, printed as one line on stderr).
    int run();
    void request_stop();
    bool running() const;

    // Metadata written with the next heartbeat (start_time and version are always present).
    void set_metadata(const std::string& key, Json value);
    void erase_metadata(const std::string& key);
    Json metadata() const;
    void set_status(const std::string& status);  // ACTIVE | UNHEALTHY | STANDBY
    std::string status() const;
    void heartbeat_now();

    const std::string& name() const;
    const std::string& instance_id() const;
    const std::string& version() const;
    const ServiceOptions& options() const;
    std::shared_ptr<nats::Connection> connection() const;
    registry::Registry* registry();  // null when registration is off
    std::vector<std::string> methods() const;
    service::EndpointStats* stats(const std::string& method);

protected:
    // Subscribe / unsubscribe a registered endpoint (used for leader-only methods).
    void subscribe_endpoint(const std::string& method);
    // drain = true: requests already delivered to this instance are answered first.
    void unsubscribe_endpoint(const std::string& method, bool drain = false);
    // True after a stop() whose grace period ended with handlers still running: they use the
    // service's state, so a derived service keeps its own allocated too (the process exits).
    bool handlers_abandoned() const;
    // Hooks for derived services.
    virtual void after_start() {}
    virtual void before_stop() {}
    virtual void decorate(registry::ServiceInstance& inst) const;
    virtual std::map<std::string, std::string> srv_metadata() const;

private:
    void deregister();  // stop(): $SRV off, the registry entry removed, a final flush
    struct Impl;
    friend class service::SrvResponder;
    std::unique_ptr<Impl> m;
};

}  // namespace aegis
