// aegis explore, aegis monitor and aegis call -i driven as a user would: a real server, live
// services, registry entries in the Python layout, a pseudo-terminal for the REPL.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/pty.hpp"

using aegis::test::ndjson;
using aegis::test::Pty;

using namespace aegis;
using namespace std::chrono_literals;
using test::Background;
using test::run_aegis;

TEST_CASE("explore: the table, --all, --tree, --json and a missing service") {
    test::NatsServer server;
    auto conn = server.connect("writer");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "explore-cli", "explore-cli-py000001", now);
    test::put_python_instance(conn, "explore-cli", "explore-cli-gh0st001", now, true);
    auto live = test::live_service(server, "explore-cli", "explore-cli-live0001");
    // After the live instance started: a starting service prunes its own dead entries.
    test::put_python_instance(conn, "explore-cli", "explore-cli-0ld0ld00", now - 10min);
    test::put_python_instance(conn, "explore-sa", "explore-sa-1", now, false, "default");
    test::put_leader(conn, "explore-sa", "default", "explore-sa-1", now - 5s, now);

    auto r = run_aegis({"explore", "--wait", "1000", "--server", server.url()});
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    CHECK(r.out.find("SERVICE") != std::string::npos);
    CHECK(r.out.find("load-balanced") != std::string::npos);
    CHECK(r.out.find("single-active") != std::string::npos);
    CHECK(r.out.find("explore-sa-1 (lease") != std::string::npos);
    CHECK(r.out.find("echo, status") != std::string::npos);
    CHECK(r.out.find("ghost") != std::string::npos);
    CHECK(r.out.find("unverified") != std::string::npos);
    CHECK(r.out.find("explore-cli-0ld0ld00") != std::string::npos);  // in the stale flag
    CHECK(r.out.find("1 stale instance hidden") != std::string::npos);
    CHECK(r.out.find("\033[") == std::string::npos);  // no colour off a terminal

    auto all = run_aegis(
        {"explore", "explore-cli", "--all", "--wait", "1000", "--server", server.url()});
    REQUIRE(all.exit_code == 0);
    CHECK(all.out.find("stale") != std::string::npos);
    CHECK(all.out.find("explore-sa") == std::string::npos);

    auto tree = run_aegis({"explore", "--tree", "--wait", "1000", "--server", server.url()});
    REQUIRE(tree.exit_code == 0);
    CHECK(tree.out.find("└── group default") != std::string::npos);

    auto j = run_aegis({"explore", "--json", "--wait", "1000", "--server", server.url()});
    REQUIRE(j.exit_code == 0);
    auto doc = wire::from_json(j.out);
    REQUIRE(doc["services"].size() == 2);
    CHECK(doc["services"][0]["name"] == "explore-cli");
    CHECK(doc["services"][0]["counts"]["ghost"] == 1);
    CHECK(doc["services"][0]["counts"]["stale"] == 1);
    CHECK(doc["services"][1]["groups"][0]["leader"]["instance_id"] == "explore-sa-1");
    CHECK(doc["flags"].size() >= 2);

    auto missing = run_aegis({"explore", "no-such-service", "--server", server.url()});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("no service 'no-such-service'") != std::string::npos);
}

TEST_CASE("explore: --watch prints a new picture when an instance joins, Ctrl-C ends it") {
    test::NatsServer server;
    auto live = test::live_service(server, "explore-watch", "explore-watch-1");
    Background watch(
        {"explore", "--watch", "--json", "--interval", "0.5", "--server", server.url()});
    REQUIRE(watch.wait_for_output("explore-watch-1"));
    auto second = test::live_service(server, "explore-watch", "explore-watch-2");
    REQUIRE(watch.wait_for_output("explore-watch-2"));
    CHECK(watch.stop(SIGINT) == 130);
    auto lines = ndjson(watch.output());
    REQUIRE(lines.size() >= 2);
    CHECK(lines.back()["services"][0]["instances"].size() == 2);
}

TEST_CASE("monitor: rates agree with a known request rate within 20%") {
    test::NatsServer server;
    auto svc = test::live_service(server, "monitor-rate", "monitor-rate-1");
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    auto t0 = std::chrono::steady_clock::now();
    std::thread load([&] {
        Client client(server.connect("load"));
        auto next = std::chrono::steady_clock::now();
        while (!stop) {
            client.call("monitor-rate", "echo", {{"n", sent.load()}});
            sent++;
            next += 10ms;  // 100 requests/s
            std::this_thread::sleep_until(next);
        }
    });
    auto r = run_aegis({"monitor", "--json", "--interval", "1", "--duration", "6", "--server",
                        server.url()});
    stop = true;
    load.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double actual = sent.load() / elapsed;
    REQUIRE(r.exit_code == 0);
    auto lines = ndjson(r.out);
    REQUIRE(lines.size() >= 4);
    CHECK(lines.back()["type"] == "summary");
    std::vector<double> rates;
    for (const auto& l : lines) {
        if (l["type"] != "snapshot" || l["services"].empty()) continue;
        const auto& ep = l["services"][0]["instances"][0]["endpoints"][0];
        if (ep["requests_per_s"].is_number()) rates.push_back(ep["requests_per_s"]);
    }
    REQUIRE(rates.size() >= 3);
    std::sort(rates.begin(), rates.end());
    double median = rates[rates.size() / 2];
    INFO("actual " << actual << " req/s, monitor median " << median);
    CHECK(median == Approx(actual).epsilon(0.2));
}

TEST_CASE("monitor: off a terminal it prints one line per change and a summary") {
    test::NatsServer server;
    auto conn = server.connect("writer");
    auto now = std::chrono::system_clock::now();
    test::put_leader(conn, "monitor-lines", "default", "monitor-lines-1", now, now);
    test::put_python_instance(conn, "monitor-lines", "monitor-lines-py", now);
    Background mon(
        {"monitor", "--interval", "0.3", "--stale-after", "2", "--server", server.url()});
    REQUIRE(mon.wait_for_output("monitoring"));
    auto a = test::live_service(server, "monitor-lines", "monitor-lines-1");
    REQUIRE(mon.wait_for_output("joined monitor-lines/monitor-lines-1"));
    test::put_leader(conn, "monitor-lines", "default", "monitor-lines-2", now + 1s, now + 1s);
    REQUIRE(mon.wait_for_output(
        "leader changed monitor-lines/default: monitor-lines-1 → monitor-lines-2"));
    conn->publish("events.monitor.lines", "{}");
    REQUIRE(mon.wait_for_output("events seen events.monitor.lines"));
    a->stop();
    REQUIRE(mon.wait_for_output("left monitor-lines/monitor-lines-1"));
    REQUIRE(mon.wait_for_output("went stale monitor-lines/monitor-lines-py", 10s));
    CHECK(mon.stop(SIGINT) == 130);
    auto out = mon.output();
    CHECK(out.find("monitored") != std::string::npos);
    CHECK(out.find("leader monitor-lines/default: 1 change, now monitor-lines-2") !=
          std::string::npos);
    CHECK(out.find("\033[") == std::string::npos);
}

TEST_CASE("repl: a script on stdin calls, lists and shows NOT_ACTIVE as such") {
    test::NatsServer server;
    auto echo = test::live_service(server, "repl-echo", "repl-echo-1");
    ServiceOptions so;
    so.name = "repl-standby";
    so.instance_id = "repl-standby-1";
    Service standby(server.connect("standby"), so);
    standby.rpc("work", [](const Json&) {  // what a Python standby answers (vector G6)
        return Json{{"success", false}, {"error", "NOT_ACTIVE"},
                    {"message", "This instance is not active. Instance repl-standby-1 is in "
                                "STANDBY mode for group default."},
                    {"result", nullptr}};
    });
    standby.start();
    std::string script =
        "services\n"
        "instances repl-echo\n"
        "call repl-echo echo {\"message\": \"hi there\"}\n"
        ":timeout 2\n"
        "repl-echo echo n=7\n"
        "call repl-standby work\n"
        "call nobody-here work\n"
        ":json on\n"
        "call repl-echo status\n";
    auto r = run_aegis({"call", "-i", "--server", server.url()}, {}, script);
    INFO(r.out << "\n---\n" << r.err);
    CHECK(r.exit_code == 1);  // a scripted session with failing commands says so
    CHECK(r.out.find("repl-echo") != std::string::npos);
    CHECK(r.out.find("load-balanced") != std::string::npos);
    CHECK(r.out.find("\"hi there\"") != std::string::npos);
    CHECK(r.out.find("NOT_ACTIVE (single-active result): This instance is not active") !=
          std::string::npos);
    CHECK(r.err.find("← repl-echo-1 in") != std::string::npos);
    CHECK(r.err.find("← repl-standby-1 in") != std::string::npos);
    CHECK(r.err.find("timeout 2 s") != std::string::npos);
    CHECK(r.err.find("no instance of 'nobody-here' is registered") != std::string::npos);
    CHECK(r.out.find("\"rtt_ms\"") != std::string::npos);  // :json on shows the envelope
}

TEST_CASE("repl: without arguments off a terminal is a usage error") {
    auto r = run_aegis({"call", "--server", "nats://127.0.0.1:1"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("missing SERVICE and METHOD") != std::string::npos);
    auto bad = run_aegis({"call", "-i", "svc", "m", "--server", "nats://127.0.0.1:1"});
    CHECK(bad.exit_code == 2);
}

TEST_CASE("repl: on a terminal, Tab completes names, Up recalls history, Ctrl-D quits") {
    test::NatsServer server;
    test::TempDir state;
    auto echo = test::live_service(server, "repl-tty", "repl-tty-1");
    Pty pty({"call", "--server", server.url()}, {{"XDG_STATE_HOME", state.path()}});
    REQUIRE(pty.expect("Ctrl-D quits"));
    REQUIRE(pty.expect("> "));
    pty.type("ca\t");
    REQUIRE(pty.expect("call "));
    pty.type("repl-t\t");
    REQUIRE(pty.expect("repl-tty "));
    pty.type("st\t");
    REQUIRE(pty.expect("status "));
    pty.type("\r");
    REQUIRE(pty.expect("\"instance_id\""));
    REQUIRE(pty.expect("← repl-tty-1 in"));
    REQUIRE(pty.expect("> "));
    pty.type("\x1b[A");  // Up: the last line again
    REQUIRE(pty.expect("call repl-tty status"));
    pty.type("\x15");  // Ctrl-U clears it
    pty.type("call repl-tty echo x=1\x03");  // Ctrl-C cancels the line
    REQUIRE(pty.expect("^C"));
    pty.type("clear\r");  // the screen is cleared; the session goes on
    REQUIRE(pty.expect("\x1b[H\x1b[2J"));
    REQUIRE(pty.expect("> "));
    pty.type("\x04");  // Ctrl-D on an empty line
    // Exits at once (0.1 s); the bound is generous for a loaded machine, where it once took >5 s.
    CHECK(pty.wait_exit(15s) == 0);
    std::ifstream hist(state.path() + "/aegis/call_history");
    std::stringstream ss;
    ss << hist.rdbuf();
    CHECK(ss.str() == "call repl-tty status \nclear\n");
}

// Keys typed while a call runs are the next line's: a mode switch used to flush them (and a
// Ctrl-D typed then was eaten by the line discipline), so the REPL waited for a key already sent.
TEST_CASE("repl: on a terminal, keys typed during a slow call are kept, Ctrl-D included") {
    test::NatsServer server;
    test::TempDir state;
    ServiceOptions o;
    o.name = "repl-slow";
    o.instance_id = "repl-slow-1";
    Service slow(server.connect("slow"), o);
    slow.rpc("nap", [](const Json&) {
        std::this_thread::sleep_for(600ms);
        return Json{{"napped", true}};
    });
    slow.start();
    Pty pty({"call", "--server", server.url()}, {{"XDG_STATE_HOME", state.path()}});
    REQUIRE(pty.expect("> "));
    pty.type("call repl-slow nap\r");
    REQUIRE(pty.expect("call repl-slow nap"));
    std::this_thread::sleep_for(150ms);  // the call is running: what follows is typed ahead
    pty.type("help\r");
    pty.type("\x04");
    REQUIRE(pty.expect("\"napped\""));
    REQUIRE(pty.expect("Tab completes names"));  // the typed-ahead 'help' ran
    CHECK(pty.wait_exit(10s) == 0);                // and the typed-ahead Ctrl-D ended it
}

TEST_CASE("explore --prune deletes stale entries, --dry-run only lists them, live ones stay") {
    test::NatsServer server;
    auto conn = server.connect("setup");
    // The live instance is of another service: a starting service prunes its own dead itself.
    auto live = test::live_service(server, "prune-live", "prune-live-1");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "prune-svc", "prune-svc-dead1", now - 300s);
    test::put_python_instance(conn, "prune-svc", "prune-svc-dead2", now - 90s);
    auto keys = [&] {
        auto kv = nats::KeyValue::open(conn, wire::k_registry_bucket);
        auto k = kv.keys();
        std::sort(k.begin(), k.end());
        return k;
    };
    REQUIRE(keys().size() == 3);

    auto dry = run_aegis({"explore", "--prune", "--dry-run", "--server", server.url(), "--json"});
    INFO(dry.out << dry.err);
    REQUIRE(dry.exit_code == 0);
    auto j = wire::from_json(dry.out);
    CHECK(j["dry_run"] == true);
    REQUIRE(j["entries"].size() == 2);
    for (auto& e : j["entries"]) CHECK(e["outcome"] == "would_delete");
    CHECK(keys().size() == 3);  // nothing deleted

    // A threshold above one entry's age keeps it.
    auto some = run_aegis({"explore", "--prune", "--stale-after", "120", "--server", server.url()});
    INFO(some.out << some.err);
    CHECK(some.exit_code == 0);
    CHECK(test::contains(some.out, "deleted  prune-svc/prune-svc-dead1"));
    CHECK(test::contains(some.out, "deleted 1 stale entry"));
    CHECK(keys() == std::vector<std::string>{"service-instances__prune-live__prune-live-1",
                                             "service-instances__prune-svc__prune-svc-dead2"});

    auto rest = run_aegis({"explore", "--prune", "--server", server.url()});
    CHECK(rest.exit_code == 0);
    CHECK(keys() == std::vector<std::string>{"service-instances__prune-live__prune-live-1"});
    auto none = run_aegis({"explore", "--prune", "--server", server.url()});
    CHECK(test::contains(none.out, "no stale entries"));
    // --dry-run means nothing without --prune.
    CHECK(run_aegis({"explore", "--dry-run", "--server", server.url()}).exit_code == 2);
}
