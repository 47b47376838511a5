#pragma once
// Command handlers of aegis::Service (docs/protocol.md §5, docs/events.md "Commands").
#include <chrono>
#include <functional>
#include <string>

#include "core/wire/envelope.hpp"

namespace aegis {

struct CommandContext {
    const std::string& instance_id;
    int attempt = 1;       // 1 on the first delivery
    int max_attempts = 1;  // min(handler max_attempts, the command's max_retries + 1)
    // Publishes {command_id, progress, status, timestamp} on commands.progress.<id> and tells
    // JetStream the command is still being worked on (a long handler is not redelivered).
    std::function<void(double percent, const std::string& status)> report;
    void progress(double percent, const std::string& status = "processing") const {
        report(percent, status);
    }
};

// Returns the result sent in the completion {command_id, status: "completed", result}.
// Throwing means this attempt failed (see CommandOptions).
using CommandHandler = std::function<Json(const wire::Command& command, const CommandContext& c)>;

struct CommandOptions {
    // A handler that throws gets the command again after a backoff, up to this many attempts
    // (fewer when the command's max_retries asks for fewer); then a completion with
    // status "failed" and the error is published and the command is terminated.
    int max_attempts = 3;
    std::chrono::milliseconds retry_delay{1000};  // doubled per attempt, at most 10 s
    std::chrono::milliseconds ack_wait{30000};    // a silent handler is redelivered after this
    // true: a consumer this service creates gets deliver group <service>-<command>, so every
    // instance shares the commands. false: Python's layout (no group: one process at a time;
    // needed when Python instances of the same service must bind the consumer too).
    bool deliver_group = true;
};

}  // namespace aegis
