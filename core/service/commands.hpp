#pragma once
// The command handlers of one service instance: a JetStream push consumer per command on the
// COMMANDS work-queue stream (durable <service>-<command>), progress and completion messages,
// bounded redelivery (docs/protocol.md §5, docs/events.md).
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/service/command_types.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"

namespace aegis::nats {
class Connection;
class Msg;
struct ConsumerInfo;
}  // namespace aegis::nats

namespace aegis::service {

std::string command_durable(const std::string& service, const std::string& command);

struct CommandStats {
    std::string command;
    std::string consumer;
    bool bound = false;
    uint64_t completed = 0;
    uint64_t failed_attempts = 0;
    uint64_t failed = 0;  // given up
    uint64_t dropped = 0;  // undecodable or empty: terminated, never run
};

class CommandHub {
public:
    CommandHub(std::shared_ptr<nats::Connection> conn, std::string service, std::string instance,
               wire::Format format);
    ~CommandHub();
    CommandHub(const CommandHub&) = delete;
    CommandHub& operator=(const CommandHub&) = delete;

    void add(const std::string& command, CommandHandler handler, CommandOptions options);
    void start();
    void stop();  // in-flight commands finish
    // After a reconnect: streams and consumers the server may have lost are created again.
    // False when something could not be restored yet (the caller retries soon).
    bool recover();
    std::vector<CommandStats> stats() const;

    struct Entry;

private:
    void open(Entry& e);
    nats::ConsumerInfo ensure_consumer(Entry& e);  // the stream and the consumer exist
    void deliver(Entry& e, nats::Msg& msg);
    // Completion and ack, or a retry (nak with backoff), or the "failed" completion and term.
    void settle(Entry& e, nats::Msg& msg, const wire::Command& cmd, const CommandContext& ctx,
                const std::string& error, const Json& result, double last_percent);
    void publish(const std::string& subject, const Json& body);

    std::shared_ptr<nats::Connection> m_conn;
    std::string m_service;
    std::string m_instance;
    wire::Format m_format;
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<Entry>> m_entries;
    bool m_running = false;
};

}  // namespace aegis::service
