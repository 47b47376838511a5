#include "core/client/command_sender.hpp"
#include <chrono>
#include <memory>
#include <string>

#include <condition_variable>
#include <deque>
#include <mutex>

#include <fmt/format.h>

#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

namespace aegis {

nats::StreamConfig commands_stream_config() {
    nats::StreamConfig c;
    c.name = "COMMANDS";
    c.subjects = {"commands.>"};
    c.retention = nats::Retention::workqueue;
    c.max_msgs = 10000;
    return c;
}

namespace {

// Progress and completion messages, collected from two subscriptions.
struct Inbox {
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::pair<bool, Json>> items;  // (is completion, body)
    void push(bool completion, std::string_view data) {
        Json body;
        try {
            body = wire::decode(data);
        } catch (const std::exception&) {
            return;  // not ours to judge; a sender must survive garbage
        }
        if (!body.is_object()) return;
        {
            std::lock_guard lock(mutex);
            items.emplace_back(completion, std::move(body));
        }
        cv.notify_all();
    }
};

CommandProgressUpdate to_update(const Json& j) {
    CommandProgressUpdate u;
    if (auto p = j.find("progress"); p != j.end() && p->is_number()) u.progress = p->get<double>();
    if (auto s = j.find("status"); s != j.end() && s->is_string()) u.status = s->get<std::string>();
    if (auto t = j.find("timestamp"); t != j.end() && t->is_number())
        u.timestamp = t->get<double>();
    return u;
}

}  // namespace

CommandSender::CommandSender(std::shared_ptr<nats::Connection> conn, std::string source,
                             wire::Format format)
    : m_conn(std::move(conn)), m_source(std::move(source)), m_format(format) {}

wire::Command CommandSender::make_command(const std::string& service, const std::string& command,
                                          const Json& payload,
                                          const SendCommandOptions& o) const {
    wire::command_subject(service, command);  // InvalidNameError before anything is built
    if (!payload.is_null() && !payload.is_object())
        throw UsageError("a command payload must be a JSON object");
    if (o.priority != "low" && o.priority != "normal" && o.priority != "high" &&
        o.priority != "critical")
        throw UsageError("priority must be low, normal, high or critical");
    if (o.timeout.count() <= 0) throw UsageError("the command timeout must be positive");
    if (o.max_retries < 0) throw UsageError("max_retries must not be negative");
    wire::Command c;
    c.header = wire::new_header();
    if (o.message_id) c.header.message_id = *o.message_id;
    // The id names the progress and completion subjects.
    wire::require_target_name("command id", c.header.message_id);
    if (!m_source.empty()) c.header.source = m_source;
    c.header.target = service;
    c.command = command;
    c.payload = payload.is_null() ? Json::object() : payload;
    c.priority = o.priority;
    c.max_retries = o.max_retries;
    c.timeout = std::chrono::duration<double>(o.timeout).count();
    return c;
}

CommandOutcome CommandSender::send(const std::string& service, const std::string& command,
                                   const Json& payload, const SendCommandOptions& o) {
    wire::Command c = make_command(service, command, payload, o);
    CommandOutcome out;
    out.command_id = c.header.message_id;
    out.subject = wire::command_subject(service, command);
    auto t0 = std::chrono::steady_clock::now();
    if (!m_stream_checked) {
        nats::ensure_stream(*m_conn, commands_stream_config());
        m_stream_checked = true;
    }
    // Listen before publishing, as Python does, so no early progress is missed.
    // One subscription for both subjects keeps progress and completion in publish order.
    auto inbox = std::make_shared<Inbox>();
    nats::Subscription sub;
    if (o.wait) {
        const std::string progress = wire::command_progress_subject(out.command_id);
        const std::string callback = wire::command_callback_subject(out.command_id);
        sub = m_conn->subscribe("commands.*." + out.command_id,
                                [inbox, progress, callback](nats::Msg& m) {
                                    if (m.subject() == progress) inbox->push(false, m.data());
                                    else if (m.subject() == callback) inbox->push(true, m.data());
                                });
    }
    out.ack = nats::js_publish(*m_conn, out.subject, wire::encode_envelope(c, m_format),
                               out.command_id, o.publish_timeout);
    auto deadline = t0 + o.timeout;
    auto next_note = t0 + o.waiting_every;
    while (o.wait && !out.completed) {
        std::unique_lock lock(inbox->mutex);
        inbox->cv.wait_for(lock, std::chrono::milliseconds(100),
                           [&] { return !inbox->items.empty(); });
        while (!inbox->items.empty()) {
            auto [is_completion, body] = std::move(inbox->items.front());
            inbox->items.pop_front();
            if (is_completion) {
                out.completed = true;
                out.status = body.value("status", "");
                out.completion = std::move(body);
                break;
            }
            out.progress.push_back(to_update(body));
            if (o.on_progress) o.on_progress(out.progress.back());
        }
        lock.unlock();
        if (out.completed) break;
        auto now = std::chrono::steady_clock::now();
        if (!out.progress.empty()) next_note = now + o.waiting_every;  // it is moving
        if (o.on_waiting && now >= next_note) {
            o.on_waiting(std::chrono::duration_cast<std::chrono::milliseconds>(now - t0));
            next_note = now + o.waiting_every;
        }
        if (o.cancelled && o.cancelled())
            throw InterruptedError("stopped waiting for command " + out.command_id +
                                   " (it stays queued)");
        if (std::chrono::steady_clock::now() >= deadline)
            throw TimeoutError("no completion for command '" + service + "." + command +
                                   "' (" + out.command_id + ") within " +
                                   fmt::format("{:g}", o.timeout.count() / 1000.0) + " s",
                               "is a handler for it running? the command stays queued");
    }
    out.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    return out;
}

}  // namespace aegis
