// aegis down stops only the nats-server aegis up started: a state file whose pid now belongs to
// another nats-server (pid reuse, a copied state dir) leaves that server alone.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/nats/connection.hpp"
#include "core/util/paths.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using test::contains;
using test::run_aegis;

namespace {

// The state file 'aegis up' writes, in `state`/aegis, recording `pid` and `port` plus `extra`.
void write_state(const std::string& state, int pid, int port, const Json& extra = {}) {
    util::make_dirs(state + "/aegis");
    Json j = {{"pid", pid},
              {"port", port},
              {"url", "nats://127.0.0.1:" + std::to_string(port)},
              {"data_dir", state + "/aegis/jetstream"},
              {"log_file", state + "/aegis/nats-server.log"},
              {"started_at", "2026-01-01T00:00:00.000Z"}};
    if (extra.is_object()) j.update(extra);
    std::ofstream(state + "/aegis/nats-server.json") << j.dump(2);
}

}  // namespace

TEST_CASE("aegis down leaves alone a nats-server whose pid the state file names") {
    test::NatsServer other;  // a nats-server aegis up did not start
    for (Json extra : {Json::object(), Json{{"start_time", 12345}},
                       Json{{"start_time", 12345}, {"cmdline", "nats-server -p 1"}}}) {
        INFO(extra.dump());
        test::TempDir state;
        write_state(state.path(), other.pid(), other.port(), extra);
        test::Env env{{"XDG_STATE_HOME", state.path()}};
        auto status = run_aegis({"up", "--status"}, env);
        CHECK(status.exit_code == 1);
        auto down = run_aegis({"down"}, env);
        INFO(down.out << down.err);
        CHECK(down.exit_code == 0);
        CHECK(down.out == "not running\n");
        CHECK(contains(down.err, "not the one 'aegis up' started"));
        // Still serving.
        CHECK_NOTHROW(other.connect("still-there")->flush());
    }
}

TEST_CASE("an empty --server is a usage error, not auto discovery") {
    auto r = run_aegis({"call", "echo-service", "echo", "--server", ""});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "--server"));
    CHECK(run_aegis({"explore", "--server="}).exit_code == 2);
}
