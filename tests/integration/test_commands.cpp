// Commands against a real nats-server: progress and completion in the Python shapes (G12, G13),
// bounded redelivery with a "failed" completion, sharing between instances, timeouts.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/client/command_sender.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/jetstream.hpp"
#include "core/service/service.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::quiet_options;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

CommandHandler batch_handler(std::atomic<int>& runs) {
    return [&runs](const wire::Command& c, const CommandContext& ctx) {
        ++runs;
        int size = c.payload.value("size", 4);
        for (int i = 1; i <= size; ++i)
            ctx.progress(100.0 * i / size, "item " + std::to_string(i));
        return Json{{"processed", size}, {"batch_id", c.payload.value("batch_id", "")},
                    {"instance", ctx.instance_id}};
    };
}

}  // namespace

TEST_CASE("commands report progress and completion in the Python shapes") {
    test::NatsServer server;
    std::atomic<int> runs{0};
    Service svc(server.connect("h"), quiet_options("cmd-proc", "cmd-proc-1"));
    svc.command("process_batch", batch_handler(runs));
    svc.start();
    auto raw = server.connect("raw");
    std::mutex mu;
    std::vector<std::string> progress_raw, callback_raw;
    auto s1 = raw->subscribe("commands.progress.*", [&](nats::Msg& m) {
        std::lock_guard lock(mu);
        progress_raw.emplace_back(m.data());
    });
    auto s2 = raw->subscribe("commands.callback.*", [&](nats::Msg& m) {
        std::lock_guard lock(mu);
        callback_raw.emplace_back(m.data());
    });
    raw->flush();

    CommandSender sender(server.connect("sender"), "cmd-client-1");
    std::vector<double> seen;
    SendCommandOptions so;
    so.timeout = 10s;
    so.priority = "high";
    so.on_progress = [&seen](const CommandProgressUpdate& u) { seen.push_back(u.progress); };
    auto out = sender.send("cmd-proc", "process_batch", {{"batch_id", "B-42"}, {"size", 4}}, so);
    CHECK(out.completed);
    CHECK(out.status == "completed");
    CHECK(out.completion["result"]["processed"] == 4);
    CHECK(out.completion["result"]["batch_id"] == "B-42");
    CHECK(out.completion["command_id"] == out.command_id);
    CHECK(out.ack.stream == "COMMANDS");
    CHECK(seen == std::vector<double>{25, 50, 75, 100});
    CHECK(runs == 1);

    std::this_thread::sleep_for(100ms);
    std::lock_guard lock(mu);
    REQUIRE(progress_raw.size() == 4);
    REQUIRE(callback_raw.size() == 1);
    CHECK(static_cast<unsigned char>(progress_raw[0][0]) == 0x84);  // fixmap of 4, as G12
    CHECK(static_cast<unsigned char>(callback_raw[0][0]) == 0x83);  // fixmap of 3, as G13
    auto p = wire::decode(progress_raw[1]);
    std::vector<std::string> keys;
    for (auto& [k, v] : p.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"command_id", "progress", "status", "timestamp"});
    CHECK(p["progress"].is_number_float());
    CHECK(p["status"] == "item 2");
    auto done = wire::decode(callback_raw[0]);
    keys.clear();
    for (auto& [k, v] : done.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"command_id", "status", "result"});
    // The work queue is empty again: the command was acknowledged.
    auto info = nats::consumer_info(*raw, "COMMANDS", "cmd-proc-process_batch");
    REQUIRE(info);
    CHECK(info->num_ack_pending == 0);
    CHECK(info->config.deliver_group == "cmd-proc-process_batch");
}

TEST_CASE("commands: a failing handler is retried, bounded, then reported as failed") {
    test::NatsServer server;
    std::atomic<int> runs{0};
    Service svc(server.connect("h"), quiet_options("cmd-fail", "cmd-fail-1"));
    CommandOptions co;
    co.max_attempts = 3;
    co.retry_delay = 20ms;
    svc.command("explode", [&runs](const wire::Command&, const CommandContext& ctx) -> Json {
        ++runs;
        ctx.progress(10, "starting");
        throw std::runtime_error("boom " + std::to_string(ctx.attempt));
    }, co);
    svc.command("flaky", [&runs](const wire::Command&, const CommandContext& ctx) -> Json {
        if (ctx.attempt < 2) throw std::runtime_error("not yet");
        return Json{{"attempt", ctx.attempt}};
    }, co);
    svc.start();
    CommandSender sender(server.connect("sender"));
    SendCommandOptions so;
    so.timeout = 10s;
    auto out = sender.send("cmd-fail", "explode", Json::object(), so);
    CHECK(out.completed);
    CHECK(out.status == "failed");
    CHECK(out.completion["error"] == "boom 3");
    CHECK(runs == 3);
    int retrying = 0;
    for (auto& u : out.progress) retrying += u.status.rfind("retrying", 0) == 0;
    CHECK(retrying == 2);
    std::this_thread::sleep_for(300ms);
    CHECK(runs == 3);  // no redelivery after the failure was reported

    auto ok = sender.send("cmd-fail", "flaky", Json::object(), so);
    CHECK(ok.status == "completed");
    CHECK(ok.completion["result"]["attempt"] == 2);

    // The command's own max_retries asks for fewer attempts: 0 retries = one attempt.
    runs = 0;
    so.max_retries = 0;
    auto once = sender.send("cmd-fail", "explode", Json::object(), so);
    CHECK(once.status == "failed");
    CHECK(runs == 1);
}

TEST_CASE("commands are shared by the instances of a service, each run once") {
    test::NatsServer server;
    std::mutex mu;
    std::map<std::string, int> by_instance;
    std::map<std::string, int> by_id;
    std::vector<std::unique_ptr<Service>> svcs;
    for (const char* s : {"a", "b"}) {
        std::string id = std::string("cmd-share-") + s;
        auto svc = std::make_unique<Service>(server.connect(id), quiet_options("cmd-share", id));
        svc->command("work", [&, id](const wire::Command& c, const CommandContext&) {
            std::this_thread::sleep_for(5ms);
            std::lock_guard lock(mu);
            by_instance[id]++;
            by_id[c.header.message_id]++;
            return Json{{"by", id}};
        });
        svc->start();
        svcs.push_back(std::move(svc));
    }
    CommandSender sender(server.connect("sender"));
    SendCommandOptions so;
    so.wait = false;
    for (int i = 0; i < 40; ++i) sender.send("cmd-share", "work", {{"i", i}}, so);
    auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end) {
        {
            std::lock_guard lock(mu);
            if (by_id.size() == 40) break;
        }
        std::this_thread::sleep_for(20ms);
    }
    std::this_thread::sleep_for(200ms);
    std::lock_guard lock(mu);
    CHECK(by_id.size() == 40);
    for (auto& [id, n] : by_id) CHECK(n == 1);
    CHECK(by_instance.size() == 2);
}

TEST_CASE("commands: no handler means a timeout, and the command stays queued") {
    test::NatsServer server;
    CommandSender sender(server.connect("sender"));
    SendCommandOptions so;
    so.timeout = 300ms;
    CHECK_THROWS_AS(sender.send("nobody-home", "work", Json::object(), so), TimeoutError);
    CHECK_THROWS_AS(sender.send("Bad Name", "work", Json::object(), so), UsageError);
    // A handler that starts later still gets it (work queue, deliver all).
    std::atomic<int> runs{0};
    Service svc(server.connect("late"), quiet_options("nobody-home", "nobody-home-1"));
    svc.command("work", [&runs](const wire::Command&, const CommandContext&) {
        ++runs;
        return Json::object();
    });
    svc.start();
    auto end = std::chrono::steady_clock::now() + 5s;
    while (runs == 0 && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(20ms);
    CHECK(runs == 1);
}

// An empty message in the COMMANDS stream is no command: terminated at once (and logged once),
// not left unacknowledged to be redelivered up to max_deliver.
TEST_CASE("commands: an empty stored message is terminated, the next command runs") {
    test::NatsServer server;
    std::atomic<int> runs{0};
    Service svc(server.connect("h"), quiet_options("cmd-blank", "cmd-blank-1"));
    svc.command("process_batch", batch_handler(runs));
    svc.start();
    auto raw = server.connect("raw");
    raw->publish("commands.cmd-blank.process_batch", "");
    raw->flush();
    CommandSender sender(server.connect("sender"), "cmd-client-1");
    SendCommandOptions so;
    so.timeout = 10s;
    auto out = sender.send("cmd-blank", "process_batch", {{"size", 1}}, so);
    CHECK(out.completed);
    CHECK(runs == 1);
    std::this_thread::sleep_for(300ms);
    auto info = nats::consumer_info(*raw, "COMMANDS", "cmd-blank-process_batch");
    REQUIRE(info);
    CHECK(info->num_ack_pending == 0);
    CHECK(info->num_redelivered == 0);
}
