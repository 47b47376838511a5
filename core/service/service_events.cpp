// aegis::Service's events and commands: thin members over EventHub / CommandHub /
// EventPublisher, made on first use so a service without events pays nothing.
#include "core/service/service_impl.hpp"
#include <mutex>
#include <memory>
#include <vector>
#include <string>
#include "core/util/error.hpp"

namespace aegis {

Service& Service::subscribe(const std::string& pattern, EventMode mode, EventHandler handler,
                            SubscribeOptions options) {
    return subscribe(pattern, mode,
                     EventHandlerEx([h = std::move(handler)](const wire::Event& e,
                                                             const EventDelivery&) { h(e); }),
                     std::move(options));
}

Service& Service::subscribe(const std::string& pattern, EventMode mode, EventHandlerEx handler,
                            SubscribeOptions options) {
    service::EventHub* hub;
    {
        std::lock_guard lock(m->extras_mutex);
        if (!m->events)
            m->events = std::make_unique<service::EventHub>(m->conn, name(), instance_id());
        hub = m->events.get();
    }
    hub->add(pattern, mode, std::move(handler), std::move(options));
    return *this;
}

nats::PubAck Service::publish(const std::string& domain, const std::string& event_type,
                              const Json& payload, const PublishOptions& options) {
    EventPublisher* pub;
    {
        std::lock_guard lock(m->extras_mutex);
        if (!m->publisher)
            m->publisher = std::make_unique<EventPublisher>(m->conn, instance_id(),
                                                            m->options.format);
        pub = m->publisher.get();
    }
    return pub->publish(domain, event_type, payload, options);
}

std::vector<SubscriptionStats> Service::event_stats() const {
    std::lock_guard lock(m->extras_mutex);
    return m->events ? m->events->stats() : std::vector<SubscriptionStats>{};
}

void Service::refresh_leadership() {
    std::lock_guard lock(m->extras_mutex);
    if (m->events) m->events->refresh_leadership();
}

Service& Service::command(const std::string& name, CommandHandler handler,
                          CommandOptions options) {
    service::CommandHub* hub;
    {
        std::lock_guard lock(m->extras_mutex);
        if (!m->commands)
            m->commands = std::make_unique<service::CommandHub>(m->conn, this->name(),
                                                                instance_id(), m->options.format);
        hub = m->commands.get();
    }
    hub->add(name, std::move(handler), std::move(options));
    return *this;
}

void Service::Impl::start_extras() {
    // Hubs are never destroyed before the service, so the pointers outlive the lock.
    service::EventHub* ev;
    service::CommandHub* cmd;
    {
        std::lock_guard lock(extras_mutex);
        ev = events.get();
        cmd = commands.get();
    }
    if (ev) ev->start();
    if (cmd) cmd->start();
}

bool Service::Impl::recover_storage() {
    service::EventHub* ev;
    service::CommandHub* cmd;
    {
        std::lock_guard lock(extras_mutex);
        ev = events.get();
        cmd = commands.get();
    }
    bool ok = !ev || ev->recover();
    return (!cmd || cmd->recover()) && ok;
}

void Service::Impl::stop_extras() {
    service::EventHub* ev;
    service::CommandHub* cmd;
    {
        std::lock_guard lock(extras_mutex);
        ev = events.get();
        cmd = commands.get();
    }
    if (ev) ev->stop();
    if (cmd) cmd->stop();
}

}  // namespace aegis
