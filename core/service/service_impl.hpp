#pragma once
// Private state of aegis::Service, shared by its translation units.
#include <atomic>
#include <chrono>
#include <memory>
#include <vector>
#include <string>
#include <condition_variable>
#include <deque>
#include <map>
#include <optional>
#include <string_view>
#include <mutex>
#include <thread>

#include "core/nats/connection.hpp"
#include "core/registry/instance.hpp"
#include "core/registry/registry.hpp"
#include "core/service/commands.hpp"
#include "core/service/endpoint_stats.hpp"
#include "core/service/events.hpp"
#include "core/service/rpc_lane.hpp"
#include "core/service/service.hpp"
#include "core/service/srv_api.hpp"

namespace aegis {

struct Endpoint {
    std::string method;
    std::string subject;
    RpcHandlerEx handler;
    EndpointOptions options;
    // The connection its requests arrive and its replies leave on: one of its own (see
    // ServiceOptions::connection_per_method), else the service's. Declared before the
    // subscription and the lane, which use it: destroyed after them.
    std::shared_ptr<nats::Connection> conn;
    nats::Subscription subscription;
    service::EndpointStats stats;
    service::Lane lane;
};

// What the lanes add up to, for $SRV and health.
struct LoadState {
    uint64_t queued = 0, in_flight = 0, shed = 0, expired = 0, refused = 0, dropped = 0;
    bool overloaded = false;
};

struct Service::Impl {
    Service* self = nullptr;
    std::shared_ptr<nats::Connection> conn;
    ServiceOptions options;
    std::chrono::system_clock::time_point started_at;

    mutable std::mutex endpoints_mutex;
    std::map<std::string, std::unique_ptr<Endpoint>> endpoints;

    std::unique_ptr<registry::Registry> registry;
    mutable std::mutex instance_mutex;
    registry::ServiceInstance instance;

    std::unique_ptr<service::SrvResponder> srv;

    // Events and commands (service_events.cpp), made on first use under extras_mutex.
    std::mutex extras_mutex;
    std::unique_ptr<service::EventHub> events;
    std::unique_ptr<service::CommandHub> commands;
    std::unique_ptr<EventPublisher> publisher;

    std::atomic<bool> running{false};
    std::atomic<bool> stop_requested{false};
    std::mutex heartbeat_mutex;
    std::condition_variable heartbeat_cv;
    bool heartbeat_stop = false;
    bool reconnected = false;  // set by the reconnect listener: re-register at once
    int reconnect_listener = 0;
    std::thread heartbeat_thread;

    // Set when stop() begins: every request from then on is answered SHUTTING_DOWN.
    std::atomic<bool> stopping{false};
    // A handler outlived the grace period: its thread still uses this state, so the Service
    // destructor leaves it allocated (the process is about to exit). Read by that handler's
    // thread when it returns: its reply is dropped (the instance has said it is gone).
    std::atomic<bool> abandoned{false};

    // rpc_dispatch.cpp: admission on the delivery thread, the handler on the method's lane.
    void dispatch(Endpoint& ep, nats::Msg& msg);
    void run_job(Endpoint& ep, service::LaneJob& job);
    void refuse(Endpoint& ep, service::LaneJob& job, std::string_view code);
    void answer(Endpoint& ep, const nats::Msg& msg, wire::Format fmt,
                std::optional<std::string_view> correlation, const Json& result,
                std::string error, const char* code, service::LaneClock::time_point t0,
                bool record);
    void open_lane(Endpoint& ep);
    // The endpoint's own connection (made on first use), or the service's when it has none.
    nats::Connection& connection_for(Endpoint& ep);
    nats::PendingLimits pending_limits(const Endpoint& ep) const;
    // stop(): answers what is queued, waits for running handlers up to the grace period (or
    // until another signal arrives); false when some are still running.
    bool finish_lanes(int signals_at_stop);
    LoadState load_state() const;  // under endpoints_mutex
    void heartbeat_loop();
    bool beat(bool after_reconnect);
    void prune_own_dead();
    bool recover_storage();  // after a reconnect: streams and consumers the service uses
    void start_extras();  // event subscriptions and command handlers
    void stop_extras();
    void write_registry();
};

}  // namespace aegis
