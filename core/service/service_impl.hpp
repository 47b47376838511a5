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
#include <mutex>
#include <thread>

#include "core/nats/connection.hpp"
#include "core/registry/instance.hpp"
#include "core/registry/registry.hpp"
#include "core/service/commands.hpp"
#include "core/service/endpoint_stats.hpp"
#include "core/service/events.hpp"
#include "core/service/service.hpp"
#include "core/service/srv_api.hpp"

namespace aegis {

struct Endpoint {
    std::string method;
    std::string subject;
    RpcHandlerEx handler;
    EndpointOptions options;
    nats::Subscription subscription;
    service::EndpointStats stats;
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

    // Optional worker pool (options.workers > 0).
    std::mutex work_mutex;
    std::condition_variable work_cv;
    std::deque<std::pair<Endpoint*, std::shared_ptr<nats::Msg>>> work;
    bool work_stop = false;
    std::vector<std::thread> workers;

    void handle(Endpoint& ep, nats::Msg& msg);
    void dispatch(Endpoint& ep, nats::Msg& msg);
    void start_workers();
    void stop_workers();
    void heartbeat_loop();
    bool beat(bool after_reconnect);
    void prune_own_dead();
    bool recover_storage();  // after a reconnect: streams and consumers the service uses
    void start_extras();  // event subscriptions and command handlers
    void stop_extras();
    void write_registry();
};

}  // namespace aegis
