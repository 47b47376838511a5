// `aegis load` end to end against real nats-servers and `aegis demo` services.
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::Background;
using test::run_aegis;

namespace {

Json load_json(const std::vector<std::string>& args, const std::string& url, int expect = 0) {
    std::vector<std::string> a = {"load"};
    a.insert(a.end(), args.begin(), args.end());
    a.insert(a.end(), {"--json", "--server", url});
    auto r = run_aegis(a, {}, {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == expect);
    return wire::from_json(r.out);
}

// Runs the load while the service is stopped (SIGSTOP) for 1 s from second 1.5 of the run.
Json load_with_stall(const std::vector<std::string>& args, const std::string& url, pid_t svc) {
    std::thread stall([svc] {
        std::this_thread::sleep_for(1500ms);
        ::kill(svc, SIGSTOP);
        std::this_thread::sleep_for(1000ms);
        ::kill(svc, SIGCONT);
    });
    Json j;
    try {
        j = load_json(args, url);
    } catch (...) {
        stall.join();
        throw;
    }
    stall.join();
    return j;
}

}  // namespace

TEST_CASE("aegis load spreads over two echo instances and reports every field") {
    test::NatsServer server;
    Background a({"demo", "echo", "--instance-id", "echo-service-load-a", "--server", server.url()});
    Background b({"demo", "echo", "--instance-id", "echo-service-load-b", "--server", server.url()});
    REQUIRE(a.wait_for_output("started"));
    REQUIRE(b.wait_for_output("started"));
    test::TempDir dir;
    std::string out = dir.path() + "/report.json";
    auto r = run_aegis({"load", "echo-service", "echo", "message=hi", "-c", "16", "--duration",
                        "2s", "--warmup", "300ms", "--connections", "2", "--payload-bytes", "64",
                        "--json", "-o", out, "--server", server.url()},
                       {}, {}, 60s);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());  // no progress line when stderr is not a terminal
    auto j = wire::from_json(r.out);
    CHECK(wire::from_json(test::read_file(out)) == j);
    for (const char* k : {"requests", "ok", "errors", "throughput_rps", "target_rps", "latency_ms",
                          "by_instance", "timeline"})
        CHECK(j.contains(k));
    CHECK(j["target_rps"].is_null());
    CHECK(j["model"] == "closed");
    CHECK(j["ok"].get<int>() > 100);
    CHECK(j["ok"] == j["requests"]);
    CHECK(j["errors"]["timeout"] == 0);
    for (const char* p : {"p50", "p90", "p99", "p999", "max", "mean"})
        CHECK(j["latency_ms"][p].get<double>() > 0);
    CHECK(j["latency_ms"]["p50"] <= j["latency_ms"]["p99"]);
    CHECK(j["latency_ms"]["p99"] <= j["latency_ms"]["max"]);
    REQUIRE(j["by_instance"].size() == 2);
    CHECK(j["by_instance"]["echo-service-load-a"].get<int>() > 10);
    CHECK(j["by_instance"]["echo-service-load-b"].get<int>() > 10);
    CHECK(j["timeline"].size() == 2);
    CHECK(j["timeline"][0]["second"] == 1);
    CHECK(j["throughput_rps"].get<double>() > 50);
    // The generator's own CPU: it did work, on this machine's cores, and a warm-up leaves the
    // per-call figure out (the warm-up's calls are not counted).
    const Json& g = j["generator"];
    CHECK(g["cpu_s"].get<double>() > 0);
    CHECK(g["cores"].get<double>() > 0);
    CHECK(g["machine_cores"].get<int>() >= 1);
    CHECK(g["busiest_thread"].get<double>() > 0);
    CHECK(g["busiest_thread"].get<double>() <= 1.0);
    CHECK(g["bound"].is_boolean());
    CHECK(g["cpu_us_per_call"].is_null());
}

TEST_CASE("the open model shows a 1 s stall in its percentiles, the closed model hides it") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto open = load_with_stall({"echo-service", "echo", "message=hi", "--rate", "200",
                                 "--duration", "4s"},
                                server.url(), echo.pid());
    INFO(open.dump());
    CHECK(open["model"] == "open");
    CHECK(open["target_rps"] == 200.0);
    CHECK(open["requests"].get<int>() >= 780);
    // A quarter of the calls were due while the service slept: every one waited for the rest of
    // the stall, measured from when it was due.
    CHECK(open["latency_ms"]["p90"].get<double>() > 250);
    CHECK(open["latency_ms"]["max"].get<double>() > 700);

    auto closed = load_with_stall({"echo-service", "echo", "message=hi", "-c", "2",
                                   "--duration", "4s"},
                                  server.url(), echo.pid());
    INFO(closed.dump());
    CHECK(closed["target_rps"].is_null());
    CHECK(closed["latency_ms"]["max"].get<double>() > 700);  // the stall is there...
    CHECK(closed["latency_ms"]["p90"].get<double>() < 50);   // ...in two samples only
}

TEST_CASE("aegis load shows a live progress line on a terminal, rewritten in place") {
    if (!test::on_path("script")) {
        WARN("skipped: util-linux 'script' (a pseudo-terminal) is not installed");
        return;
    }
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    // script(1) runs the command on a pseudo-terminal; stdout goes to /dev/null inside it, so
    // what comes back is the stderr of a terminal session.
    std::string cmd = test::aegis_binary() + " load echo-service echo message=hi --rate 100" +
                      " --duration 1500ms --server " + server.url() + " >/dev/null";
    auto r = test::run_program({"script", "-qec", cmd, "/dev/null"}, {}, {}, 30s);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\r\x1b[2K") != std::string::npos);
    CHECK(r.out.find("s/2s") != std::string::npos);  // elapsed / total (1.5 s shown as 2s)
    CHECK(r.out.find("/s  p99 ") != std::string::npos);
    CHECK(r.out.find(" 0 errors") != std::string::npos);
}

TEST_CASE("aegis load --steps and --spike set the open model's rate second by second") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto j = load_json({"echo-service", "echo", "message=n{{seq}}", "--steps", "50:1s,150:1s",
                        "--spike", "300@1500ms/500ms"},
                       server.url());
    INFO(j.dump());
    REQUIRE(j["timeline"].size() == 2);
    CHECK(j["timeline"][0]["target_rps"] == 50.0);
    CHECK(j["timeline"][1]["target_rps"] == 300.0);  // the spike, mid second 2
    CHECK(j["requests"] == 50 + 75 + 150);           // 50 + 150 for 0.5 s + 300 for 0.5 s
    CHECK(j["ok"] == j["requests"]);
}

TEST_CASE("aegis load thresholds: a broken one exits 1 and is named, kept ones exit 0") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    auto base = std::vector<std::string>{"load", "echo-service", "echo", "message=hi", "-n", "200",
                                         "-c", "4", "--server", server.url()};
    auto with = [&](std::vector<std::string> extra) {
        auto a = base;
        a.insert(a.end(), extra.begin(), extra.end());
        return run_aegis(a, {}, {}, 60s);
    };
    auto p99 = with({"--max-p99-ms", "0.001"});
    CHECK(p99.exit_code == 1);
    CHECK(p99.err.find("--max-p99-ms") != std::string::npos);
    CHECK(p99.out.find("p99") != std::string::npos);  // the report is still printed
    auto rps = with({"--min-rps", "100000000", "--json"});
    CHECK(rps.exit_code == 1);
    CHECK(rps.err.find("--min-rps") != std::string::npos);
    CHECK(wire::from_json(rps.out)["passed"] == false);
    auto fine = with({"--max-p99-ms", "5000", "--max-error-rate", "0", "--min-rps", "1"});
    CHECK(fine.exit_code == 0);
    CHECK(fine.err.find("broken") == std::string::npos);

    // Remote errors count by their error code; an error-rate threshold catches them.
    auto remote = run_aegis({"load", "echo-service", "delay_echo", "delay:=-1", "-n", "20",
                             "--max-error-rate", "0.1", "--json", "--server", server.url()});
    CHECK(remote.exit_code == 1);
    CHECK(remote.err.find("--max-error-rate") != std::string::npos);
    auto rj = wire::from_json(remote.out);
    CHECK(rj["errors"]["remote"]["500"] == 20);
    CHECK(rj["error_rate"] == 1.0);
    // Every call timing out is exit 75, with the report.
    auto slow = run_aegis({"load", "echo-service", "delay_echo", "delay:=2", "-n", "4", "-c", "4",
                           "--timeout", "300ms", "--json", "--server", server.url()});
    CHECK(slow.exit_code == 75);
    CHECK(wire::from_json(slow.out)["errors"]["timeout"] == 4);
}

// A run in which every call failed measured nothing: exit 1, thresholds or not (it was 0
// without thresholds).
TEST_CASE("aegis load: no call succeeded is exit 1, with or without thresholds") {
    test::NatsServer server;
    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    for (bool thresholds : {false, true}) {
        std::vector<std::string> args{"load", "echo-service", "delay_echo", "delay:=-1", "-n", "10",
                                      "--server", server.url()};
        if (thresholds) args.insert(args.end(), {"--max-error-rate", "1"});
        auto r = run_aegis(args, {}, {}, 60s);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("aegis: error: no call succeeded (10 sent, 10 failed)") !=
              std::string::npos);
        CHECK(r.out.find("10 failed") != std::string::npos);  // the report is still printed
    }
}

TEST_CASE("aegis load retries NOT_ACTIVE from python-parity standbys, or counts it") {
    test::NatsServer server;
    Background one({"demo", "echo-single", "--python-parity", "--instance-id", "es-load-1",
                    "--server", server.url()});
    REQUIRE(one.wait_for_output("is ACTIVE", 15s));
    Background two({"demo", "echo-single", "--python-parity", "--instance-id", "es-load-2",
                    "--server", server.url()});
    REQUIRE(two.wait_for_output("STANDBY", 15s));
    // 20 attempts: each lands on the standby with probability 1/2, so 40 calls all succeed.
    auto j = load_json({"echo-single-service", "echo", "message=hi", "-n", "40", "-c", "4",
                        "--retry-attempts", "20"},
                       server.url());
    INFO(j.dump());
    CHECK(j["ok"] == 40);
    CHECK(j["not_active_retries"].get<int>() > 0);  // the queue group sends some to the standby
    CHECK(j["errors"]["not_active"] == 0);
    CHECK(j["by_instance"].size() == 1);
    CHECK(j["by_instance"].contains("es-load-1"));
    auto no = load_json({"echo-single-service", "echo", "message=hi", "-n", "40", "-c", "4",
                         "--no-retry-not-active"},
                        server.url());
    CHECK(no["errors"]["not_active"].get<int>() > 0);
    CHECK(no["not_active_retries"] == 0);
}

TEST_CASE("aegis load: bad input exits 2 or 65 with one line, Ctrl-C still reports") {
    test::NatsServer server;
    auto bad = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "load");
        args.insert(args.end(), {"--server", server.url()});
        return run_aegis(args);
    };
    for (auto args : std::vector<std::vector<std::string>>{
             {"echo-service"},
             {"echo-service", "echo", "--duration", "ten"},
             {"echo-service", "echo", "--rate", "10", "-c", "4"},
             {"echo-service", "echo", "--ramp", "10"},
             {"echo-service", "echo", "--steps", "10,x"},
             {"echo-service", "echo", "--spike", "100@1s/1s"},
             {"echo-service", "echo", "--rate", "10", "--spike", "100@1s"},
             {"echo-service", "echo", "-c", "0"}}) {
        auto r = bad(args);
        INFO(args[args.size() - 1]);
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind("aegis: error: ", 0) == 0);
    }
    CHECK(bad({"echo-service", "echo", "message:={bad"}).exit_code == 65);
    CHECK(bad({"echo-service", "echo", "-d", "[1,2]"}).exit_code == 65);
    auto none = bad({"nobody-service", "echo", "-n", "5"});
    CHECK(none.exit_code == 69);

    Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    Background run({"load", "echo-service", "echo", "message=hi", "-c", "2", "--duration", "60",
                    "--server", server.url()});
    std::this_thread::sleep_for(1500ms);
    CHECK(run.stop(SIGINT) == 130);
    CHECK(run.output().find("(interrupted)") != std::string::npos);
    CHECK(run.output().find("p99") != std::string::npos);
}
