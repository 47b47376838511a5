// One delivered command: run the handler with a progress reporter, publish the completion and
// acknowledge — or retry with backoff and finally publish a "failed" completion.
#include <climits>
#include <fmt/format.h>
#include <chrono>
#include <string>

#include "core/nats/consumer.hpp"
#include "core/service/command_entry.hpp"
#include "core/service/retry.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::service {

namespace {

double now_epoch() { return wire::epoch_seconds(std::chrono::system_clock::now()); }

}  // namespace

void CommandHub::deliver(Entry& e, nats::Msg& msg) {
    std::string_view reply = msg.reply();
    auto meta = nats::parse_ack_subject(reply);
    if (msg.data().empty() && !meta) {
        // Consumer flow control wants an answer; idle heartbeats do not.
        if (reply.starts_with("$JS.FC.")) m_conn->publish(reply, "");
        return;
    }
    wire::Command cmd;
    try {
        // A stored message with no body is no command: dropped like an undecodable one, once,
        // instead of being redelivered up to max_deliver without a word.
        if (msg.data().empty()) throw DataError("empty message");
        cmd = wire::decode_command(msg.data());
    } catch (const std::exception& ex) {
        ++e.dropped;
        log::warn("'{}': dropping an undecodable command on '{}': {}", m_instance, msg.subject(),
                  ex.what());
        nats::term(*m_conn, msg);  // no id to report to, and redelivery cannot help
        return;
    }
    const std::string id = cmd.header.message_id;
    // The sender's id names the progress and completion subjects: one that cannot be a subject
    // token (a CR/LF would inject a publish) gets no answer.
    if (auto why = wire::check_target_name("command id", id); !why.empty()) {
        log::warn("'{}': dropping a command on '{}': {}", m_instance, msg.subject(), why);
        nats::term(*m_conn, msg);
        return;
    }
    if (e.is_done(id)) {
        nats::ack(*m_conn, msg);
        return;
    }
    const std::string progress_subject = wire::command_progress_subject(id);
    double last_percent = 0;
    CommandContext ctx{m_instance};
    ctx.attempt = meta ? static_cast<int>(std::min<uint64_t>(meta->delivered, INT_MAX)) : 1;
    // Python ignores max_retries; honouring it lets a sender ask for fewer attempts.
    ctx.max_attempts = std::max(1, std::min(e.options.max_attempts, cmd.max_retries + 1));
    ctx.report = [this, &msg, &id, &progress_subject, &last_percent](double pct,
                                                                     const std::string& status) {
        last_percent = pct;
        publish(progress_subject, Json{{"command_id", id},
                                       {"progress", pct},
                                       {"status", status},
                                       {"timestamp", now_epoch()}});
        nats::in_progress(*m_conn, msg);  // still working: do not redeliver yet
    };
    std::string error;
    Json result;
    try {
        result = e.handler(cmd, ctx);
    } catch (const std::exception& ex) {
        error = ex.what();
        if (error.empty()) error = "handler failed";
    } catch (...) {
        error = "handler failed with a non-standard exception";
    }
    settle(e, msg, cmd, ctx, error, result, last_percent);
}

void CommandHub::settle(Entry& e, nats::Msg& msg, const wire::Command& cmd,
                        const CommandContext& ctx, const std::string& error, const Json& result,
                        double last_percent) {
    const std::string& id = cmd.header.message_id;
    if (error.empty()) {
        publish(wire::command_callback_subject(id),
                Json{{"command_id", id}, {"status", "completed"}, {"result", result}});
        nats::ack(*m_conn, msg);
        e.mark_done(id);
        ++e.completed;
        log::debug("'{}' completed command {} '{}'", m_instance, id, cmd.command);
        return;
    }
    ++e.failed_attempts;
    if (ctx.attempt >= ctx.max_attempts) {
        ++e.failed;
        log::error("'{}': command {} '{}' failed after {} attempts: {}", m_instance, id,
                   cmd.command, ctx.attempt, error);
        publish(wire::command_callback_subject(id),
                Json{{"command_id", id}, {"status", "failed"}, {"error", error}});
        nats::term(*m_conn, msg);
        return;
    }
    auto delay = retry_backoff(e.options.retry_delay, ctx.attempt);
    log::warn("'{}': command {} '{}' failed (attempt {}/{}): {}; retrying in {} ms", m_instance,
              id, cmd.command, ctx.attempt, ctx.max_attempts, error, delay.count());
    publish(wire::command_progress_subject(id),
            Json{{"command_id", id},
                 {"progress", last_percent},
                 {"status", fmt::format("retrying: attempt {}/{} failed: {}", ctx.attempt,
                                        ctx.max_attempts, error)},
                 {"timestamp", now_epoch()}});
    nats::nak(*m_conn, msg, delay);
}

}  // namespace aegis::service
