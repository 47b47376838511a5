// aegis's own text reaches the terminal as written: the lines of its reports stay lines and its
// colours stay colours; only what came from the network is rendered visibly
// (test_hostile_output.cpp holds the other half).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/util/net.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pty.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::Pty;
using test::run_aegis;

namespace {

// Nothing to find: no URL anywhere, no kubeconfig, no cluster, a local port nothing listens on.
test::Env no_nats_env(const test::TempDir& dir) {
    return {{"AEGIS_NATS_URL", "auto"}, {"NATS_URL", "auto"}, {"AEGIS_CONFIG", ""},
            {"AEGIS_CONTEXT", ""}, {"AEGIS_ENVIRONMENT", ""}, {"KUBERNETES_SERVICE_HOST", ""},
            {"KUBECONFIG", dir.path() + "/no-kubeconfig"}, {"HOME", dir.path()},
            {"XDG_CONFIG_HOME", dir.path() + "/config"}, {"XDG_STATE_HOME", dir.path() + "/state"},
            {"AEGIS_LOCAL_PORT", std::to_string(util::free_port())}, {"NATS_CREDS", ""},
            {"NO_COLOR", ""}};
}

}  // namespace

TEST_CASE("the no-NATS report is several lines, in a pipe and on a terminal") {
    test::TempDir dir;
    auto env = no_nats_env(dir);
    auto piped = run_aegis({"call", "echo-service", "echo", "message=hi"}, env);
    INFO(piped.err);
    CHECK(piped.exit_code == 69);
    CHECK_FALSE(contains(piped.err, "\\x0a"));
    auto lines = aegis::test::lines_of(piped.err);
    REQUIRE(lines.size() >= 6);
    // No cluster configured: the fix that works on a laptop leads, not the Docker host.
    CHECK(lines[0] == "aegis: error: no NATS server found: nothing answers here; start a local "
                      "server with 'aegis up'");
    CHECK(lines[1] == "tried, in order:");
    CHECK(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return l.rfind("  [✗] localhost      nothing listens on 127.0.0.1:", 0) == 0;
    }));
    CHECK(lines.back() ==
          "'aegis validate' diagnoses every step; 'aegis up' starts a local server");

    // On a terminal: the same lines, "aegis: error:" in real colour.
    Pty pty({"call", "echo-service", "echo", "message=hi"}, env);
    CHECK(pty.wait_exit(30s) == 69);
    const auto& seen = pty.output();
    INFO(seen);
    CHECK_FALSE(contains(seen, "\\x0a"));
    CHECK_FALSE(contains(seen, "\\x1b"));
    CHECK(contains(seen, "\x1b[31merror:\x1b[0m no NATS server found"));
    CHECK(contains(seen, "\r\ntried, in order:\r\n"));
    CHECK(contains(seen, "\r\n'aegis validate' diagnoses every step"));
}

TEST_CASE("explore on a terminal shows its colours as colours, --watch too") {
    test::NatsServer server;
    auto conn = server.connect("writer");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, "own-colour", "own-colour-live0001", now);
    test::put_python_instance(conn, "own-colour", "own-colour-0ld0ld00", now - 10min);
    test::Env env{{"NO_COLOR", ""}, {"COLUMNS", ""}};

    Pty once({"explore", "--no-probe", "--server", server.url()}, env);
    CHECK(once.wait_exit(30s) == 0);
    INFO(once.output());
    CHECK(contains(once.output(), "\x1b[33m1 stale\x1b[0m"));
    CHECK(contains(once.output(), "own-colour"));
    CHECK_FALSE(contains(once.output(), "\\x1b"));

    Pty watch({"explore", "--watch", "--no-probe", "--interval", "0.5", "--server", server.url()},
              env);
    REQUIRE(watch.expect("\x1b[33m1 stale\x1b[0m", 20s));
    watch.type("\x03");
    CHECK(watch.wait_exit(20s) == 130);
    INFO(watch.output());
    CHECK_FALSE(contains(watch.output(), "\\x1b"));
}
