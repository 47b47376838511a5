// Strings from the network never reach a terminal raw: explore, monitor, call and events tail
// render control characters visibly (\x1b), while --json keeps them exact.
#include <catch2/catch.hpp>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::run_aegis;

namespace {

const std::string k_clear = "\x1b[2J";           // clears the screen
const std::string k_title = "\x1b]0;owned\x07";  // sets the window title

// A registry entry whose instance id, version and metadata hold escape sequences; its key is
// valid, so it disagrees with the value (explore lists it under the key, as "mismatched key",
// and quotes the id the value claims in its flag).
void put_hostile_instance(const std::shared_ptr<nats::Connection>& conn, const std::string& service,
                          const std::string& key_id) {
    nats::BucketConfig c;
    c.name = wire::k_registry_bucket;
    auto kv = nats::KeyValue::open_or_create(conn, c);
    auto now = std::chrono::system_clock::now();
    Json v = {{"serviceName", service},
              {"instanceId", "inst" + k_title},
              {"version", "1.0" + k_clear},
              {"status", "ACTIVE"},
              {"lastHeartbeat", wire::python_isoformat(now)},
              {"stickyActiveGroup", "default"},
              {"metadata", {{"start_time", wire::python_isoformat(now - 5s)},
                            {"zone", "z" + k_clear}}}};
    kv.put(wire::registry_key(service, key_id), v.dump());
}

bool has_raw_escape(const std::string& s) {
    return s.find('\x1b') != std::string::npos || s.find('\x07') != std::string::npos;
}

}  // namespace

TEST_CASE("explore renders escape sequences from the registry visibly, --json keeps them") {
    test::NatsServer server;
    auto conn = server.connect("hostile");
    put_hostile_instance(conn, "hostile-svc", "hostile-1");
    auto now = std::chrono::system_clock::now();
    // The leader value written as JSON (put_leader formats raw text, which an ESC would break).
    nats::BucketConfig c;
    c.name = wire::election_bucket("hostile-svc");
    double t = wire::epoch_seconds(now);
    nats::KeyValue::open_or_create(conn, c)
        .put(wire::leader_key("hostile-svc", "default"),
             Json{{"instance_id", "lead" + k_clear}, {"elected_at", t}, {"last_heartbeat", t},
                  {"metadata", Json::object()}}
                 .dump());

    for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--tree"}}) {
        std::vector<std::string> args{"explore", "--color", "always", "--no-probe", "--server",
                                      server.url()};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run_aegis(args);
        INFO(r.out);
        CHECK(r.exit_code == 0);
        // Colour escapes are ours (--color always); none of the remote ones survive.
        CHECK_FALSE(contains(r.out, k_clear));
        CHECK_FALSE(contains(r.out, "\x1b]"));
        CHECK_FALSE(contains(r.out, "\x07"));
        CHECK(contains(r.out, "inst\\x1b]0;owned\\x07"));
        CHECK(contains(r.out, "lead\\x1b[2J"));
    }
    auto j = run_aegis({"explore", "--json", "--no-probe", "--server", server.url()});
    REQUIRE(j.exit_code == 0);
    auto doc = Json::parse(j.out);
    CHECK(doc.dump().find("inst\\u001b]0;owned\\u0007") != std::string::npos);
}

TEST_CASE("monitor lines and call's answering instance render escapes visibly") {
    test::NatsServer server;
    auto conn = server.connect("hostile");
    test::Background mon({"monitor", "--interval", "0.3", "--server", server.url()});
    REQUIRE(mon.wait_for_output("monitoring"));
    put_hostile_instance(conn, "hostile-mon", "hostile-2");
    // A key cannot hold an escape, so the value's hostile id disagrees with its key: the entry
    // joins under the key, and the id it claims never reaches the screen.
    REQUIRE(mon.wait_for_output("joined hostile-mon/hostile-2 (mismatched_key)"));
    CHECK(mon.stop(SIGINT) == 130);
    CHECK_FALSE(has_raw_escape(mon.output()));

    // A responder that answers with a hostile instance id and result.
    auto sub = conn->subscribe("rpc.hostile-call.echo", [&conn](nats::Msg& m) {
        Json reply = {{"success", true},
                      {"result", {{"text", "r" + k_clear}, {"instance_id", "who" + k_clear}}},
                      {"error", nullptr}};
        conn->publish(m.reply(), reply.dump());
    });
    conn->flush();
    auto r = run_aegis({"call", "hostile-call", "echo", "--server", server.url()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_FALSE(has_raw_escape(r.out));
    CHECK_FALSE(has_raw_escape(r.err));
    CHECK(contains(r.err, "who\\x1b[2J"));
    auto j = run_aegis({"call", "hostile-call", "echo", "--json", "--server", server.url()});
    CHECK(contains(j.out, "who\\u001b[2J"));
}

// aegis's error line may quote a remote error; its line breaks and escapes stay visible text,
// so it cannot forge lines (or colours) of aegis's own.
TEST_CASE("a remote error inside aegis's error line is rendered visibly, on one line") {
    test::NatsServer server;
    auto conn = server.connect("hostile");
    auto sub = conn->subscribe("rpc.hostile-err.echo", [&conn](nats::Msg& m) {
        Json reply = {{"success", false},
                      {"result", nullptr},
                      {"error", "bad\naegis: error: forged" + k_clear}};
        conn->publish(m.reply(), reply.dump());
    });
    conn->flush();
    auto r = run_aegis({"call", "hostile-err", "echo", "--color", "always", "--server",
                        server.url()});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "bad\\x0aaegis: error: forged\\x1b[2J"));
    CHECK_FALSE(contains(r.err, k_clear));
    // Only aegis starts a line with "aegis: error:" (the remote text is inside that line).
    CHECK_FALSE(contains(r.err, "\naegis: error: forged"));
    const std::string ours = "\x1b[1maegis: \x1b[0m\x1b[31merror:\x1b[0m ";
    CHECK(contains(r.err, ours + "'hostile-err.echo' failed: bad\\x0a"));
}
