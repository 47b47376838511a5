#pragma once
// Sending AegisSDK commands (docs/protocol.md §5.4): the Command envelope JetStream-published on
// commands.<service>.<command> into the COMMANDS work-queue stream (created with the Python
// settings when missing), then progress from commands.progress.<id> and the completion from
// commands.callback.<id>.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/nats/jetstream.hpp"
#include "core/wire/envelope.hpp"

namespace aegis {

struct CommandProgressUpdate {
    double progress = 0;  // percent
    std::string status;
    double timestamp = 0;  // epoch seconds, as the handler wrote it
};

struct SendCommandOptions {
    std::string priority = "normal";          // low | normal | high | critical
    std::chrono::milliseconds timeout{300000};  // the envelope's timeout, and how long to wait
    int max_retries = 3;
    bool wait = true;  // false: return once the command is stored
    std::optional<std::string> message_id;
    std::chrono::milliseconds publish_timeout{5000};
    std::function<void(const CommandProgressUpdate&)> on_progress;  // on the sending thread
    std::function<bool()> cancelled;  // polled while waiting (e.g. a stop signal)
    // Called every `waiting_every` while no progress or completion has come: how long so far.
    std::function<void(std::chrono::milliseconds waited)> on_waiting;
    std::chrono::milliseconds waiting_every{5000};
};

struct CommandOutcome {
    std::string command_id;
    std::string subject;
    nats::PubAck ack;
    bool completed = false;  // a completion message arrived
    std::string status;      // its "status": completed, failed, ...
    Json completion;         // the completion map as received
    std::vector<CommandProgressUpdate> progress;
    std::chrono::milliseconds took{0};
};

class CommandSender {
public:
    CommandSender(std::shared_ptr<nats::Connection> conn, std::string source = {},
                  wire::Format format = wire::Format::msgpack);
    // Throws UsageError (bad names / options), TimeoutError (no completion in time; the
    // command stays queued), InterruptedError (cancelled), UnavailableError.
    CommandOutcome send(const std::string& service, const std::string& command,
                        const Json& payload, const SendCommandOptions& options = {});
    wire::Command make_command(const std::string& service, const std::string& command,
                               const Json& payload, const SendCommandOptions& options) const;

private:
    std::shared_ptr<nats::Connection> m_conn;
    std::string m_source;
    wire::Format m_format;
    std::atomic<bool> m_stream_checked{false};
};

// COMMANDS: commands.>, work queue, max 10 000 messages (the SDK's settings).
nats::StreamConfig commands_stream_config();

}  // namespace aegis
