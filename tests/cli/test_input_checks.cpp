// Hostile input on the command line: every duration option rejects nan, inf, negatives and
// absurd values; config files are read with a bound; names are checked before they reach NATS;
// each failure is one line with its documented exit code.
#include <catch2/catch.hpp>


#include <algorithm>
#include <fstream>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace std::chrono_literals;
using aegis::test::contains;
using aegis::test::run_aegis;

namespace {

const std::string k_dead = "nats://127.0.0.1:1";

size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

}  // namespace

TEST_CASE("every duration option rejects nan, inf, negative and absurd values (exit 2)") {
    const std::vector<std::vector<std::string>> options = {
        {"call", "echo-service", "echo", "--timeout"},
        {"events", "publish", "order", "created", "--timeout"},
        {"events", "tail", "--duration"},
        {"events", "tail", "--since"},
        {"command", "send", "svc", "cmd", "--timeout"},
        {"validate", "--timeout"},
        {"test", "--timeout"},
        {"explore", "--stale-after"},
        {"explore", "--interval"},
        {"monitor", "--interval"},
        {"monitor", "--duration"},
        {"monitor", "--stale-after"},
        {"failover", "svc", "--duration"},
        {"failover", "svc", "--kill-after"},
        {"failover", "svc", "--timeout"},
        {"failover", "svc", "--max-delay"},
        {"failover", "svc", "--max-wait"},
        {"demo", "echo", "--heartbeat"},
        {"demo", "echo-single", "--heartbeat"},
        {"demo", "order", "--heartbeat"},
        {"demo", "inventory", "--heartbeat"},
        {"demo", "metrics", "--heartbeat"},
        {"demo", "events-sub", "--heartbeat"},
        {"demo", "commands", "--heartbeat"},
        {"demo", "health", "--heartbeat"},
        {"demo", "health-monitor", "--stale-after"},
        {"load", "svc", "echo", "--duration"},
        {"load", "svc", "echo", "--warmup"},
        {"load", "svc", "echo", "--timeout"},
        {"demo", "events-sub", "--stats-interval"},
        {"demo", "events-sub", "--ack-wait"},
        {"demo", "health", "--interval"},
        {"demo", "health-monitor", "--interval"},
        {"demo", "health-monitor", "--grace"},
        {"demo", "inspector", "--stale-after"},
        {"demo", "metrics", "--interval"},
        {"demo", "metrics-reader", "--watch"},
        {"demo", "patterns", "--interval"},
    };
    for (const auto& base : options) {
        for (std::string bad : {"nan", "inf", "-1", "1e308", "soon", "5x"}) {
            auto args = base;
            args.insert(args.end(), {bad, "--server", k_dead});
            auto r = run_aegis(args, {}, {}, 10s);
            INFO(args[0] << " " << args[1] << " ... " << base.back() << " " << bad << ": "
                         << r.err);
            CHECK(r.exit_code == 2);
            CHECK(r.err.rfind("aegis: error: ", 0) == 0);
            CHECK(contains(r.err, base.back()));
            CHECK(lines(r.err) == 1);
        }
    }
}

TEST_CASE("config: --config must be a readable file of sane size (exit 78), never read without bound") {
    aegis::test::TempDir dir;
    for (std::string path : {std::string("/dev/zero"), dir.path()}) {
        auto r = run_aegis({"config", "show", "--config", path}, {}, {}, 20s);
        INFO(path << ": " << r.err);
        CHECK(r.exit_code == 78);
        CHECK(r.took < 5s);
        CHECK(contains(r.err, path));
        CHECK(lines(r.err) == 1);
    }
}

TEST_CASE("invalid service and method names are usage errors before anything reaches NATS") {
    aegis::test::NatsServer server;
    for (std::vector<std::string> args :
         {std::vector<std::string>{"call", "bad name", "echo"}, {"call", "echo-service", "a b"},
          {"call", "echo-service", "x.y"}, {"call", "Echo*", "echo"}, {"explore", "bad name"},
          {"explore", "a.b"}, {"load", "bad name", "echo"}, {"load", "echo-service", "echo.*"},
          {"load", "echo-service", "a\r\nPUB x 1"}, {"failover", "bad name"},
          {"failover", "svc", "--group", "a.b"}, {"command", "send", "svc", "a b"},
          {"command", "send", "svc>", "cmd"}, {"events", "tail", "order.cr eated"},
          {"events", "tail", "order.cr*"}, {"events", "publish", "order", ">"}}) {
        args.insert(args.end(), {"--server", server.url()});
        auto r = run_aegis(args);
        INFO(args[1] << " " << args[2] << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind("aegis: error: ", 0) == 0);
        CHECK(lines(r.err) == 1);
    }
}

TEST_CASE("events publish checks the domain and type as its own subscribers would") {
    aegis::test::NatsServer server;
    for (auto [domain, type] : std::vector<std::pair<std::string, std::string>>{
             {"d\xc3\xb6main", "created"}, {"order", "cr eated"}, {"order", "*"},
             {"order", ">"}, {"or..der", "created"}, {"", "created"}}) {
        auto r = run_aegis({"events", "publish", domain, type, "--server", server.url()});
        INFO(domain << " " << type << ": " << r.err);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err) == 1);
    }
}

TEST_CASE("up --data on a path that cannot be created exits 74 with one line") {
    // Under a regular file: no one can create it, root included.
    aegis::test::TempDir state, dir;
    std::string file = dir.path() + "/file";
    std::ofstream(file) << "x";
    aegis::test::Env env{{"XDG_STATE_HOME", state.path()}};
    auto r = run_aegis({"up", "--port", "0", "--data", file + "/js"}, env);
    run_aegis({"down"}, env);  // in case it started one after all
    INFO(r.err);
    CHECK(r.exit_code == 74);
    CHECK(contains(r.err, file + "/js"));
    CHECK(lines(r.err) == 1);
}
