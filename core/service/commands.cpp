#include "core/service/commands.hpp"
#include <mutex>
#include <memory>
#include <vector>
#include <string>

#include "core/client/command_sender.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/jetstream.hpp"
#include "core/service/command_entry.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"

namespace aegis::service {

namespace {

constexpr const char* k_commands_stream = "COMMANDS";

}  // namespace

std::string command_durable(const std::string& service, const std::string& command) {
    return service + "-" + command;
}

CommandHub::CommandHub(std::shared_ptr<nats::Connection> conn, std::string service,
                       std::string instance, wire::Format format)
    : m_conn(std::move(conn)),
      m_service(std::move(service)),
      m_instance(std::move(instance)),
      m_format(format) {}

CommandHub::~CommandHub() {
    try {
        stop();
    } catch (...) {
    }
}

void CommandHub::add(const std::string& command, CommandHandler handler, CommandOptions options) {
    if (auto why = wire::check_method_name(command); !why.empty())
        throw UsageError("command " + why.substr(why.find(' ') + 1));
    if (options.max_attempts < 1) throw UsageError("max_attempts must be at least 1");
    auto e = std::make_unique<Entry>();
    e->command = command;
    e->subject = wire::command_subject(m_service, command);
    e->handler = std::move(handler);
    e->options = options;
    e->durable = command_durable(m_service, command);
    Entry* raw = e.get();
    bool running;
    {
        std::lock_guard lock(m_mutex);
        for (auto& x : m_entries)
            if (x->command == command)
                throw UsageError("command '" + command + "' registered twice");
        running = m_running;
        m_entries.push_back(std::move(e));
    }
    if (running) open(*raw);
}

void CommandHub::start() {
    std::vector<Entry*> entries;
    {
        std::lock_guard lock(m_mutex);
        if (m_running) return;
        m_running = true;
        for (auto& e : m_entries) entries.push_back(e.get());
    }
    for (auto* e : entries) open(*e);
}

void CommandHub::stop() {
    std::vector<Entry*> entries;
    {
        std::lock_guard lock(m_mutex);
        if (!m_running) return;
        m_running = false;
        for (auto& e : m_entries) entries.push_back(e.get());
    }
    for (auto* e : entries) {
        auto sub = std::move(e->sub);
        e->bound = false;
        sub.drain();
    }
}

bool CommandHub::recover() {
    std::vector<Entry*> entries;
    {
        std::lock_guard lock(m_mutex);
        if (!m_running) return true;
        for (auto& e : m_entries)
            if (e->bound) entries.push_back(e.get());
    }
    bool ok = true;
    // The core subscription on the deliver subject survived the reconnect; a consumer the
    // server lost (empty store) is created again with the same deliver subject.
    for (auto* e : entries) {
        try {
            ensure_consumer(*e);
        } catch (const std::exception& ex) {
            ok = false;
            log::debug("'{}': could not restore command consumer '{}' yet: {}", m_instance,
                       e->durable, ex.what());
        }
    }
    return ok;
}

nats::ConsumerInfo CommandHub::ensure_consumer(Entry& e) {
    nats::ensure_stream(*m_conn, commands_stream_config());
    auto info = nats::consumer_info(*m_conn, k_commands_stream, e.durable);
    if (!info) {
        nats::ConsumerConfig c;
        c.stream = k_commands_stream;
        c.durable = e.durable;
        c.filter_subject = e.subject;
        c.deliver_subject = nats::deliver_subject_for(k_commands_stream, c.durable);
        if (e.options.deliver_group) c.deliver_group = e.durable;
        c.deliver_policy = nats::DeliverPolicy::all;  // a work queue: everything not yet done
        c.max_deliver = e.options.max_attempts;       // also bounds handlers that crash
        c.ack_wait = e.options.ack_wait;
        c.description = "aegis command handler " + m_service + "." + e.command;
        info = nats::add_consumer(*m_conn, c);
    }
    return *info;
}

void CommandHub::open(Entry& e) {
    auto info = std::make_optional(ensure_consumer(e));
    if (info->config.filter_subject != e.subject)
        throw ConfigError("consumer '" + e.durable + "' on stream COMMANDS filters '" +
                              info->config.filter_subject + "', not '" + e.subject + "'",
                          "delete it: nats consumer rm COMMANDS " + e.durable);
    if (info->config.deliver_subject.empty())
        throw ConfigError("consumer '" + e.durable + "' is a pull consumer");
    const std::string& group = info->config.deliver_group;
    if (group.empty() && info->push_bound) {
        // Python's layout (no deliver group): only one process can hold it (docs/protocol.md §5.3).
        log::warn("'{}': consumer '{}' has no deliver group and another process holds it; "
                  "this instance will not receive '{}' commands",
                  m_instance, e.durable, e.subject);
        return;
    }
    CommandHub* hub = this;
    Entry* ep = &e;
    e.sub = m_conn->subscribe(
        info->config.deliver_subject, [hub, ep](nats::Msg& m) { hub->deliver(*ep, m); }, group);
    m_conn->flush();
    e.bound = true;
    log::debug("'{}' handles commands '{}' (consumer {}{})", m_instance, e.subject, e.durable,
               group.empty() ? "" : ", group " + group);
}

void CommandHub::publish(const std::string& subject, const Json& body) {
    try {
        m_conn->publish(subject, wire::encode(body, m_format));
    } catch (const std::exception& e) {
        log::warn("'{}': could not publish '{}': {}", m_instance, subject, e.what());
    }
}

std::vector<CommandStats> CommandHub::stats() const {
    std::lock_guard lock(m_mutex);
    std::vector<CommandStats> out;
    for (auto& e : m_entries)
        out.push_back({e->command, e->durable, e->bound, e->completed, e->failed_attempts,
                       e->failed, e->dropped});
    return out;
}

}  // namespace aegis::service
