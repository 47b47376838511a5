// aegis events tail / publish, aegis command send and the event demos, driven as a user would,
// against a real nats-server.
#include <catch2/catch.hpp>

#include <csignal>
#include <functional>
#include <thread>

#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;
using aegis::test::ndjson;

using namespace aegis;
using namespace std::chrono_literals;
using test::Background;
using test::run_aegis;

namespace {

int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("events tail shows published events live and counts them per subject") {
    test::NatsServer server;
    Background tail({"events", "tail", "order.*", "events.system.>", "--json", "--count", "3",
                     "--server", server.url()});
    REQUIRE(tail.wait_for_output("tailing"));
    auto a = run_aegis({"events", "publish", "order", "created", "order_id=ORD-1", "amount=9.5",
                        "--source", "cli-test", "--server", server.url()});
    REQUIRE(a.exit_code == 0);
    CHECK(a.out.find("published events.order.created → EVENTS seq 1") != std::string::npos);
    run_aegis({"events", "publish", "payment", "processed", "--server", server.url()});  // not tailed
    auto j = run_aegis({"events", "publish", "system", "alerts", R"({"level":"critical"})",
                        "--format", "json", "--json", "--server", server.url()});
    REQUIRE(j.exit_code == 0);
    CHECK(wire::from_json(j.out)["format"] == "json");
    run_aegis({"events", "publish", "order", "shipped", "--server", server.url()});
    REQUIRE(eventually([&] { return !tail.running(); }));
    auto lines = ndjson(tail.output().substr(tail.output().find('{')));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["subject"] == "events.order.created");
    CHECK(lines[0]["source"] == "cli-test");
    CHECK(lines[0]["payload"]["amount"] == 9.5);
    CHECK(lines[0]["age_ms"].is_number());
    CHECK(lines[1]["subject"] == "events.system.alerts");
    CHECK(lines[1]["format"] == "json");
    CHECK(lines[2]["subject"] == "events.order.shipped");
    CHECK(lines[3]["summary"]["events"] == 3);
    CHECK(lines[3]["summary"]["by_subject"]["events.order.created"] == 1);
}

TEST_CASE("events publish with the same --message-id is stored once") {
    test::NatsServer server;
    std::vector<std::string> args = {"events", "publish", "order", "created", "n=1",
                                     "--message-id", "fixed-id-1", "--json", "--server",
                                     server.url()};
    auto first = run_aegis(args);
    auto again = run_aegis(args);
    REQUIRE(first.exit_code == 0);
    REQUIRE(again.exit_code == 0);
    CHECK(wire::from_json(first.out)["duplicate"] == false);
    CHECK(wire::from_json(again.out)["duplicate"] == true);
    CHECK(wire::from_json(again.out)["seq"] == wire::from_json(first.out)["seq"]);
    auto bad = run_aegis({"events", "publish", "order", "bad type", "--server", server.url()});
    CHECK(bad.exit_code == 2);
    auto nojs = run_aegis({"events", "tail", "bad..pattern", "--server", server.url()});
    CHECK(nojs.exit_code == 2);
}

TEST_CASE("events-sub demo in compete mode: two processes share a burst, each event once") {
    test::NatsServer server;
    std::vector<std::string> common = {"--pattern", "events.orders.*", "--stats-interval", "0.5",
                                       "--server", server.url()};
    auto args = [&](const char* n) {
        std::vector<std::string> a = {"demo", "events-sub", "--mode", "compete", "--instance", n};
        a.insert(a.end(), common.begin(), common.end());
        return a;
    };
    Background a(args("1")), b(args("2"));
    REQUIRE(a.wait_for_output("started"));
    REQUIRE(b.wait_for_output("started"));
    auto pub = run_aegis({"demo", "events-pub", "--mode", "burst", "--count", "40", "--server",
                          server.url()});
    REQUIRE(pub.exit_code == 0);
    CHECK(pub.err.find("Burst complete: 40 events") != std::string::npos);
    // 40 events over four topics: 10 orders.created, both instances subscribe events.orders.*.
    REQUIRE(eventually([&] {
        return count_of(a.output(), "got orders.created") + count_of(b.output(), "got orders.created") >= 10;
    }));
    std::this_thread::sleep_for(300ms);
    CHECK(count_of(a.output(), "got orders.created") + count_of(b.output(), "got orders.created") == 10);
    CHECK(a.wait_for_output("Event statistics for instance #1"));
}

TEST_CASE("events-sub demo in exclusive mode: the leader only, then the next leader after kill -9") {
    test::NatsServer server;
    auto args = [&](const char* n) {
        return std::vector<std::string>{"demo", "events-sub", "--mode", "exclusive", "--instance", n,
                                        "--pattern", "events.exo.*", "--policy", "aggressive",
                                        "--ack-wait", "1",
                                        "--stats-interval", "60", "--server", server.url()};
    };
    std::vector<std::unique_ptr<Background>> subs;
    for (const char* n : {"1", "2", "3"}) subs.push_back(std::make_unique<Background>(args(n)));
    for (auto& s : subs) REQUIRE(s->wait_for_output("started"));
    auto leaders = [&] {
        std::vector<size_t> out;
        for (size_t i = 0; i < subs.size(); ++i)
            if (subs[i]->running()) {
                auto log = subs[i]->output();  // the last transition it logged counts
                auto lead = log.rfind("leads:"), standby = log.rfind("stands by:");
                if (lead != std::string::npos && (standby == std::string::npos || lead > standby))
                    out.push_back(i);
            }
        return out;
    };
    REQUIRE(eventually([&] { return leaders().size() == 1; }));
    size_t first = leaders()[0];
    EventPublisher pub(server.connect("pub"));
    for (int i = 0; i < 20; ++i) pub.publish("exo", "created", {{"i", i}});
    REQUIRE(eventually([&] { return count_of(subs[first]->output(), "got exo.created") == 20; }));
    std::this_thread::sleep_for(300ms);
    for (size_t i = 0; i < subs.size(); ++i)
        if (i != first) CHECK(count_of(subs[i]->output(), "got exo.created") == 0);

    // Events published right after the kill may still be pushed to the dead leader's socket
    // before the server notices; those come back after --ack-wait (1 s) to the new leader.
    subs[first]->stop(SIGKILL);
    for (int i = 20; i < 30; ++i) pub.publish("exo", "created", {{"i", i}});  // during failover
    bool took_over = eventually([&] { return leaders().size() == 1 && leaders()[0] != first; });
    std::string logs;
    for (auto& s : subs) logs += s->output() + "\n----\n";
    INFO(logs);
    REQUIRE(took_over);
    size_t second = leaders()[0];
    for (int i = 30; i < 40; ++i) pub.publish("exo", "created", {{"i", i}});
    REQUIRE(eventually([&] { return count_of(subs[second]->output(), "got exo.created") == 20; }));
    std::this_thread::sleep_for(300ms);
    CHECK(count_of(subs[second]->output(), "got exo.created") == 20);
    for (size_t i = 0; i < subs.size(); ++i)
        if (i != first && i != second) CHECK(count_of(subs[i]->output(), "got exo.created") == 0);
}

TEST_CASE("commands: aegis command send shows progress and the result, failures exit 1") {
    test::NatsServer server;
    Background worker({"demo", "commands", "--item-ms", "10", "--server", server.url()});
    REQUIRE(worker.wait_for_output("handles commands"));
    auto ok = run_aegis({"command", "send", "batch-processor", "process_batch", "size=3",
                         "batch_id=B-7", "--server", server.url()});
    REQUIRE(ok.exit_code == 0);
    auto result = wire::from_json(ok.out);
    CHECK(result["processed"] == 3);
    CHECK(result["batch_id"] == "B-7");
    CHECK(ok.err.find("item 3/3") != std::string::npos);
    CHECK(ok.err.find("completed") != std::string::npos);

    auto retried = run_aegis({"command", "send", "batch-processor", "process_batch", "size=1",
                              "fail=1", "--json", "--server", server.url()});
    REQUIRE(retried.exit_code == 0);
    auto j = wire::from_json(retried.out);
    CHECK(j["status"] == "completed");
    CHECK(j["result"]["attempt"] == 2);
    CHECK(j["progress"].dump().find("retrying: attempt 1/3 failed") != std::string::npos);

    auto failed = run_aegis({"command", "send", "batch-processor", "process_batch", "fail=9",
                             "--max-retries", "1", "--server", server.url()});
    CHECK(failed.exit_code == 1);
    CHECK(failed.err.find("failed: simulated failure on attempt 2") != std::string::npos);

    auto nobody = run_aegis({"command", "send", "nobody-home", "work", "--timeout", "0.3",
                             "--server", server.url()});
    CHECK(nobody.exit_code == 75);
    auto queued = run_aegis({"command", "send", "nobody-home", "work", "--no-wait", "--json",
                             "--server", server.url()});
    CHECK(queued.exit_code == 0);
    CHECK(wire::from_json(queued.out)["status"] == "queued");
}

TEST_CASE("events tail --last N and --since replay stored events, then go on live") {
    test::NatsServer server;
    auto none = run_aegis({"events", "tail", "--last", "1", "--server", server.url()});
    CHECK(none.exit_code == 69);  // nothing was ever stored: no EVENTS stream
    CHECK(none.err.find("no stored events") != std::string::npos);
    for (int n = 1; n <= 5; ++n)
        REQUIRE(run_aegis({"events", "publish", "order", "created", "n=" + std::to_string(n),
                           "--server", server.url()})
                    .exit_code == 0);
    REQUIRE(run_aegis({"events", "publish", "payment", "processed", "--server", server.url()})
                .exit_code == 0);

    Background last({"events", "tail", "order.*", "--last", "2", "--json", "--count", "3",
                     "--server", server.url()});
    REQUIRE(last.wait_for_output("tailing"));
    REQUIRE(eventually([&] { return count_of(last.output(), "\"subject\"") >= 2; }));
    run_aegis({"events", "publish", "order", "created", "n=6", "--server", server.url()});
    REQUIRE(eventually([&] { return !last.running(); }));
    auto lines = ndjson(last.output().substr(last.output().find('{')));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0]["payload"]["n"] == 4);
    CHECK(lines[1]["payload"]["n"] == 5);
    CHECK(lines[2]["payload"]["n"] == 6);  // live, after the replay

    auto since = run_aegis({"events", "tail", "--since", "1h", "--json", "--count", "7",
                            "--duration", "10", "--server", server.url()});
    CHECK(since.exit_code == 0);
    auto all = ndjson(since.out);
    REQUIRE(all.size() == 8);
    CHECK(all[5]["subject"] == "events.payment.processed");
    CHECK(all[7]["summary"]["events"] == 7);
    auto bad = run_aegis({"events", "tail", "--since", "yesterday", "--server", server.url()});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("Ctrl-C ends events tail and a demo with exit 130, SIGTERM stops a demo with 0") {
    test::NatsServer server;
    Background tail({"events", "tail", "--server", server.url()});
    REQUIRE(tail.wait_for_output("tailing"));
    CHECK(tail.stop(SIGINT) == 130);
    CHECK(tail.output().find("event(s) in") != std::string::npos);  // the summary still came
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    CHECK(echo.stop(SIGINT) == 130);
    Background again({"demo", "echo", "--server", server.url()});
    REQUIRE(again.wait_for_output("started"));
    CHECK(again.stop(SIGTERM) == 0);
}

TEST_CASE("demo events-pub --json prints one NDJSON line per event and a summary") {
    test::NatsServer server;
    auto r = run_aegis({"demo", "events-pub", "--mode", "single", "--json", "--server",
                        server.url()});
    REQUIRE(r.exit_code == 0);
    auto lines = ndjson(r.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0]["subject"] == "events.orders.created");
    CHECK(lines[0]["seq"] == 1);
    CHECK(lines[1]["subject"] == "events.payments.processed");
    CHECK(lines[3]["subject"] == "events.system.alerts");
    CHECK(lines[4]["summary"]["published"] == 4);
}

TEST_CASE("demo events-pub takes the Python publisher's --event and --interval") {
    test::NatsServer server;
    auto r = run_aegis({"demo", "events-pub", "--mode", "continuous", "--event", "payment",
                        "--interval", "0.01", "--count", "3", "--json", "--server",
                        server.url()});
    REQUIRE(r.exit_code == 0);
    auto lines = ndjson(r.out);
    REQUIRE(lines.size() == 4);
    for (int i = 0; i < 3; ++i) CHECK(lines[i]["subject"] == "events.payments.processed");
    CHECK(r.err.find("publishing payments.processed (continuous mode, 100/s)") !=
          std::string::npos);
    auto both = run_aegis({"demo", "events-pub", "--rate", "5", "--interval", "1", "--server",
                           server.url()});
    CHECK(both.exit_code == 2);
    CHECK(both.err.find("--interval") != std::string::npos);
}
