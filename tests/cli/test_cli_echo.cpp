// aegis call against aegis demo echo processes, and aegis up / down, driven as a user would.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "core/nats/kv.hpp"
#include "core/util/net.hpp"
#include "core/nats/connection.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/rpc_codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::Background;
using test::run_aegis;
using test::contains;

TEST_CASE("aegis call reaches aegis demo echo and shows the answering instance") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--instance-id", "echo-service-cli1", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto r = run_aegis({"call", "echo-service", "echo", "message=hi", "--server", server.url()});
    REQUIRE(r.exit_code == 0);
    auto result = wire::from_json(r.out);
    CHECK(result["echo"] == "hi");
    CHECK(result["instance_id"] == "echo-service-cli1");
    CHECK(r.err.find("echo-service-cli1") != std::string::npos);
    CHECK(echo.wait_for_output("handled echo request #1: 'hi'"));

    auto j = run_aegis({"call", "echo-service", "status", "--json", "--server", server.url()});
    REQUIRE(j.exit_code == 0);
    auto env = wire::from_json(j.out);
    CHECK(env["success"] == true);
    CHECK(env["result"]["status"] == "healthy");
    CHECK(env["rtt_ms"].is_number());
    CHECK(env["instance"] == "echo-service-cli1");
}

TEST_CASE("params from --data, a file and stdin reach the handler") {
    test::NatsServer server;
    test::TempDir dir;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto d = run_aegis({"call", "echo-service", "echo", "-d", R"({"message":"from-data"})",
                        "--server", server.url()});
    CHECK(wire::from_json(d.out)["echo"] == "from-data");
    std::string path = dir.path() + "/p.json";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(R"({"message":"from-file"})", f);
    std::fclose(f);
    auto file = run_aegis({"call", "echo-service", "echo", "-d", "@" + path, "--server", server.url()});
    CHECK(wire::from_json(file.out)["echo"] == "from-file");
    auto in = run_aegis({"call", "echo-service", "echo", "-", "--server", server.url()}, {},
                        R"({"message":"from-stdin"})");
    CHECK(wire::from_json(in.out)["echo"] == "from-stdin");
}

TEST_CASE("a remote error exits 1, an unknown method 69, a slow reply 75") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto bad = run_aegis({"call", "echo-service", "delay_echo", "delay:=-1", "--server", server.url()});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("delay must be between") != std::string::npos);
    auto none = run_aegis({"call", "echo-service", "no_such_method", "--server", server.url()});
    CHECK(none.exit_code == 69);
    CHECK(none.err.find("'echo-service' has no method 'no_such_method'") != std::string::npos);
    auto slow = run_aegis({"call", "echo-service", "delay_echo", "delay:=2", "--timeout", "0.3",
                           "--server", server.url()});
    CHECK(slow.exit_code == 75);
}

TEST_CASE("call --count spreads calls over two demo instances and reports each") {
    test::NatsServer server;
    Background a({"demo", "echo", "--instance-id", "echo-service-aaaa", "--server", server.url()});
    Background b({"demo", "echo", "--instance-id", "echo-service-bbbb", "--server", server.url()});
    REQUIRE(a.wait_for_output("started"));
    REQUIRE(b.wait_for_output("started"));
    auto r = run_aegis({"call", "echo-service", "echo", "--count", "60", "--json", "--server", server.url()});
    REQUIRE(r.exit_code == 0);
    auto j = wire::from_json(r.out);
    CHECK(j["summary"]["ok"] == 60);
    CHECK(j["summary"]["by_instance"]["echo-service-aaaa"].get<int>() > 0);
    CHECK(j["summary"]["by_instance"]["echo-service-bbbb"].get<int>() > 0);
    CHECK(j["calls"].size() == 60);
}

TEST_CASE("aegis demo echo registers and deregisters on SIGTERM") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--instance-id", "echo-service-term", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto kv = nats::KeyValue::open(server.connect("reader"), "service_registry");
    auto entry = kv.get("service-instances__echo-service__echo-service-term");
    REQUIRE(entry.has_value());
    CHECK(wire::from_json(entry->value)["serviceName"] == "echo-service");
    CHECK(echo.stop(SIGTERM) == 0);
    CHECK_FALSE(kv.get("service-instances__echo-service__echo-service-term").has_value());
    CHECK(echo.output().find("Final stats") != std::string::npos);
}

TEST_CASE("aegis demo echo and echo-single stop at once on SIGTERM while NATS is gone") {
    for (std::string demo : {"echo", "echo-single"}) {
        INFO(demo);
        test::NatsServer server;
        Background echo({"demo", demo, "--heartbeat", "1", "--server", server.url()});
        REQUIRE(echo.wait_for_output("started"));
        server.kill_now();
        REQUIRE(echo.wait_for_output("disconnected", std::chrono::seconds(5)));
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // heartbeats come due meanwhile
        auto t0 = std::chrono::steady_clock::now();
        // A 3 s grace (it used to take 6-13 s: every KV call sat out its timeout); beyond it
        // stop() kills, and the exit code says so.
        CHECK(echo.stop(SIGTERM, std::chrono::seconds(3)) == 0);
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
        CHECK(echo.output().find("stays until it is stale") != std::string::npos);
        CHECK(echo.output().find("Final stats") != std::string::npos);
    }
}

TEST_CASE("a backlogged aegis demo echo answers its queue SHUTTING_DOWN on SIGTERM") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--instance-id", "echo-service-back", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto conn = server.connect("flood");
    auto replies = conn->subscribe_sync("backlog.replies");
    // 4 run (30 s each), 16 wait: the backlog the issue describes.
    Json params = {{"delay", 30}};
    wire::RequestSpec spec;
    spec.method = "delay_echo";
    spec.params = &params;
    spec.timeout = 60;
    for (int i = 0; i < 20; ++i)
        conn->publish("rpc.echo-service.delay_echo",
                      wire::encode_new_request(spec, wire::Format::msgpack), "backlog.replies");
    conn->flush();
    REQUIRE(echo.wait_for_output("processing delayed echo", 5s));
    // All 16 wait in the queue before the signal ($SRV.STATS says so; no guessed sleep).
    auto queued = [&] {
        auto reply = conn->request("$SRV.STATS.echo-service", "", 2000ms);
        Json body = wire::from_json(std::string(reply.data()));
        for (const auto& ep : body["endpoints"])
            if (ep["name"] == "delay_echo") return ep["data"].value("queued", 0);
        return 0;
    };
    for (int i = 0; i < 250 && queued() < 16; ++i) std::this_thread::sleep_for(20ms);
    REQUIRE(queued() == 16);
    ::kill(echo.pid(), SIGTERM);
    // The queued 16 are answered at once, retryable, instead of being worked through.
    int shutting_down = 0;
    for (int i = 0; i < 16; ++i) {
        nats::Msg m = replies.next(5000ms);
        if (!m) break;
        auto r = wire::decode_rpc_response(m.data());
        if (!r.success && r.error && r.error->rfind("SHUTTING_DOWN", 0) == 0) ++shutting_down;
    }
    CHECK(shutting_down == 16);
    REQUIRE(echo.wait_for_output("answered 16 queued requests SHUTTING_DOWN", 5s));
    // Still in its grace period (the running handlers have ~29 s to go): a second SIGTERM ends it.
    CHECK(echo.running());
    auto t0 = std::chrono::steady_clock::now();
    CHECK(echo.stop(SIGTERM, 5s) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    auto kv = nats::KeyValue::open(server.connect("reader"), "service_registry");
    CHECK_FALSE(kv.get("service-instances__echo-service__echo-service-back").has_value());
}

TEST_CASE("a malformed request leaves aegis demo echo serving") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto conn = server.connect("raw");
    auto reply = conn->request("rpc.echo-service.echo", std::string("\x89\xff", 2), 2s);
    CHECK(reply.data().size() > 0);
    auto ok = run_aegis({"call", "echo-service", "echo", "message=after", "--server", server.url()});
    CHECK(ok.exit_code == 0);
    CHECK(echo.running());
}

TEST_CASE("aegis up starts one local server, is idempotent, and aegis down stops it") {
    test::TempDir state;
    std::vector<std::pair<std::string, std::string>> env{{"XDG_STATE_HOME", state.path()}};
    auto up = run_aegis({"up", "--port", "0", "--json"}, env);
    REQUIRE(up.exit_code == 0);
    auto j = wire::from_json(up.out);
    CHECK(j["started"] == true);
    int port = j["port"];
    CHECK(util::probe_nats("127.0.0.1", port));
    auto again = run_aegis({"up", "--port", std::to_string(port), "--json"}, env);
    CHECK(wire::from_json(again.out)["started"] == false);
    CHECK(wire::from_json(again.out)["pid"] == j["pid"]);
    auto status = run_aegis({"up", "--status", "--url"}, env);
    CHECK(status.exit_code == 0);
    CHECK(status.out == "nats://127.0.0.1:" + std::to_string(port) + "\n");
    // JetStream is on: a demo service can create its registry bucket there.
    Background echo({"demo", "echo", "--server", "nats://127.0.0.1:" + std::to_string(port)});
    CHECK(echo.wait_for_output("started"));
    echo.stop();
    auto down = run_aegis({"down"}, env);
    CHECK(down.exit_code == 0);
    CHECK(down.out == "stopped\n");
    CHECK_FALSE(util::probe_nats("127.0.0.1", port));
    CHECK(run_aegis({"up", "--status"}, env).exit_code == 1);
    CHECK(run_aegis({"down"}, env).out == "not running\n");
}

TEST_CASE("aegis up names the package when nats-server is missing") {
    test::TempDir state;
    auto r = run_aegis({"up", "--port", "0"}, {{"XDG_STATE_HOME", state.path()}, {"PATH", "/nonexistent"}});
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("apt-get install nats-server") != std::string::npos);
}

TEST_CASE("a wrong method or service name says what is there instead of 'no responders'") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto method = run_aegis({"call", "echo-service", "nosuch", "--server", server.url()});
    CHECK(method.exit_code == 69);
    CHECK(method.err ==
          "aegis: error: 'echo-service' has no method 'nosuch' (methods: delay_echo, echo, "
          "status)\n");
    auto near = run_aegis({"call", "echo-service", "ecoh", "--server", server.url()});
    CHECK(near.err.find("(did you mean 'echo'?)") != std::string::npos);
    auto service = run_aegis({"call", "echo-servce", "echo", "--server", server.url()});
    CHECK(service.exit_code == 69);
    CHECK(service.err ==
          "aegis: error: no instance of 'echo-servce' is registered (did you mean "
          "'echo-service'?)\n");
}

TEST_CASE("a parameter of the wrong type names the parameter, and key=value says how to quote") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto r = run_aegis({"call", "echo-service", "echo", "message=1", "--server", server.url()});
    CHECK(r.exit_code == 65);  // bad params, as the service says
    CHECK(r.err.find("json.exception") == std::string::npos);
    CHECK(r.err.find("parameter 'message' must be a string, not the number 1") !=
          std::string::npos);
    CHECK(r.err.find("to send the text, quote it: message='\"1\"'") != std::string::npos);
    auto quoted = run_aegis({"call", "echo-service", "echo", "message=\"1\"", "--server",
                             server.url()});
    REQUIRE(quoted.exit_code == 0);
    CHECK(wire::from_json(quoted.out)["echo"] == "1");
}

TEST_CASE("command send to a service nobody registered says so at once, then shows it waits") {
    test::NatsServer server;
    auto t0 = std::chrono::steady_clock::now();
    Background send({"command", "send", "batch-procesor", "process_batch", "--timeout", "6",
                     "--server", server.url()});
    REQUIRE(send.wait_for_output("no instance of 'batch-procesor' is registered", 3s));
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    CHECK(send.wait_for_output("waiting for 'batch-procesor' to take it: 5 s of 6 s", 8s));
    CHECK(send.wait_for_output("no completion for command", 5s));
    CHECK(send.stop(SIGTERM, 5s) == 75);  // it had ended by itself: the timeout's exit code
}

namespace {

size_t occurrences(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("demo echo under aegis load: request lines are capped a second, the rest counted") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--instance-id", "echo-service-flood", "--server",
                     server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto began = std::chrono::steady_clock::now();
    auto load = run_aegis({"load", "echo-service", "echo", "message=hi", "-n", "3000", "-c", "16",
                           "--server", server.url()});
    REQUIRE(load.exit_code == 0);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    // A later call, more than a second on, reports the lines left out before its own.
    std::this_thread::sleep_for(1100ms);
    REQUIRE(run_aegis({"call", "echo-service", "echo", "message=last", "--server", server.url()})
                .exit_code == 0);
    REQUIRE(echo.wait_for_output("'last'"));
    echo.stop();
    std::string out = echo.output();
    size_t lines = occurrences(out, "handled echo request #");
    INFO(out.substr(0, 2000));
    CHECK(lines <= static_cast<size_t>(20 * (seconds + 2)) + 1);
    CHECK(contains(out, "more requests, not logged (at most 20 lines a second)"));
    CHECK(contains(out, "handled 3001 requests"));  // the final stats count every one
}
