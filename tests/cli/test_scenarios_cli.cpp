// `aegis test`: every built-in scenario passes against a healthy server and fails against a
// broken setup; parse errors carry line and column; a run leaves nothing behind (also after
// Ctrl-C); the JUnit report validates against the JUnit schema.
#include <catch2/catch.hpp>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/nats/connection.hpp"
#include "core/nats/js_admin.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/wire/envelope.hpp"
#include "core/util/error.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;
using namespace std::chrono_literals;

namespace {

std::string scenario_data(const std::string& name) {
    return std::string(AEGIS_TEST_DATA_DIR) + "/scenarios/" + name;
}

nlohmann::json scenario_json(const std::vector<std::string>& args, int expect_exit,
                        std::chrono::seconds timeout = 120s) {
    auto r = run_aegis(args, {}, {}, timeout);
    INFO(r.err);
    REQUIRE(r.exit_code == expect_exit);
    return nlohmann::json::parse(r.out);
}

// Every name on the server: KV buckets, registry keys, streams and their consumers, and how many
// messages each stream holds.
std::vector<std::string> nats_inventory(aegis::nats::Connection& c,
                                   const std::shared_ptr<aegis::nats::Connection>& conn) {
    std::vector<std::string> out;
    for (const auto& s : aegis::nats::stream_names(c)) {
        out.push_back("stream " + s + " holds " +
                      std::to_string(aegis::nats::subject_messages(c, s, ">")));
        for (const auto& k : aegis::nats::consumer_names(c, s)) out.push_back("consumer " + k);
    }
    try {
        auto kv = aegis::nats::KeyValue::open(conn, "service_registry");
        for (const auto& k : kv.keys()) out.push_back("key " + k);
    } catch (const aegis::NotFoundError&) {
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("test: --list names every built-in scenario with its tags, one line each") {
    auto r = run_aegis({"test", "--list"});
    REQUIRE(r.exit_code == 0);
    for (const char* name : {"connectivity", "discovery", "rpc-load-balancing", "failover",
                             "sticky-active", "events-compete", "events-broadcast",
                             "events-exclusive", "registry-lifecycle", "commands",
                             "nats-restart", "port-forward", "cleanup", "partition-cluster-node",
                             "partition-leader"})
        CHECK(contains("\n" + r.out, std::string("\n") + name + " "));
    CHECK(contains(r.out, "[single-active,failover]"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 15);
    auto j = scenario_json({"test", "--list", "--json"}, 0);
    CHECK(j.size() == 15);
}

TEST_CASE("test: every built-in scenario passes against a healthy server and leaves nothing") {
    aegis::test::NatsServer server;
    auto conn = server.connect();
    // The shared SDK streams exist as on any cluster in use, so the comparison sees the run's
    // messages in them.
    auto before = nats_inventory(*conn, conn);
    aegis::test::TempDir dir;
    std::string xml = dir.path() + "/out.xml";
    auto j = scenario_json({"test", "--all", "--keep-going", "--json", "--junit", xml, "--server",
                       server.url()}, 0, 240s);
    REQUIRE(j["scenarios"].size() == 15);
    for (const auto& sc : j["scenarios"]) {
        INFO(sc.dump(2));
        std::string name = sc["name"];
        if (name == "nats-restart" || name == "port-forward" || name == "partition-cluster-node") {
            CHECK(sc["status"] == "skipped");
            CHECK(sc["skip_reason"].get<std::string>().size() > 10);
        } else {
            CHECK(sc["status"] == "passed");
            CHECK(sc["leftovers"].empty());
        }
    }
    CHECK(j["passed"] == 12);
    // Nothing of any run id remains: the same names, keys and message counts, except the shared
    // streams the SDK creates on first use (EVENTS, COMMANDS, the registry bucket), whose
    // messages of the run were purged.
    auto after = nats_inventory(*conn, conn);
    std::vector<std::string> added;
    for (const auto& a : after)
        if (std::find(before.begin(), before.end(), a) == before.end()) added.push_back(a);
    INFO(nlohmann::json(added).dump(1));
    for (const auto& a : added) {
        bool shared_empty = a == "stream EVENTS holds 0" || a == "stream COMMANDS holds 0" ||
                            a == "stream KV_service_registry holds 0";
        CHECK(shared_empty);
    }
    // The JUnit report has the shape CI systems read.
    if (aegis::test::on_path("xmllint")) {
        auto v = aegis::test::run_program(
            {"xmllint", "--noout", "--schema", std::string(AEGIS_TEST_DATA_DIR) + "/junit.xsd", xml});
        INFO(v.err);
        CHECK(v.exit_code == 0);
    }
    auto text = aegis::test::read_file(xml);
    CHECK(std::count(text.begin(), text.end(), '\n') > 50);
    CHECK(contains(text, "<testsuite name=\"failover\""));
    CHECK(contains(text, "<skipped message=\"needs a nats-server of its own"));
}

TEST_CASE("test: each built-in scenario fails against a broken setup, naming the figures") {
    aegis::test::NatsServer server;
    struct Broken {
        std::string scenario, set, says;
        std::string or_says = {};  // a second failure that is as right as the first
    };
    std::vector<Broken> cases = {
        {"events-compete", "mode=broadcast", "60 events processed in total, expected exactly 20"},
        {"events-broadcast", "mode=compete", "expected exactly 20"},
        {"events-exclusive", "mode=broadcast", "60 events processed in total, expected exactly 20"},
        {"failover", "instances=1", "no other instance answered"},
        {"partition-leader", "instances=1", "no other instance answered"},
        {"sticky-active", "instances=1", "failed: no responders"},
        // Only the leader serves echo-single: calls before its election find no responder,
        // calls after it all go to the leader. Which one a run sees first depends on timing.
        {"rpc-load-balancing", "demo=echo-single", "an instance got no call",
         "calls not as expected; first: failed: no responders"},
        {"registry-lifecycle", "heartbeat=30", "still present after"},
        {"commands", "fail=2", "status 'failed', expected 'completed'"},
        {"cleanup", "sweep=false", "registry key service-instances__cl-"},
    };
    for (const auto& c : cases) {
        INFO(c.scenario << " --set " << c.set);
        auto r = run_aegis({"test", c.scenario, "--set", c.set, "--server", server.url()}, {}, {},
                           90s);
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK((contains(r.err, c.says) || (!c.or_says.empty() && contains(r.err, c.or_says))));
        CHECK(contains(r.err, "✗"));
        CHECK(contains(r.out, "failed"));
    }
}

TEST_CASE("test: connectivity fails without JetStream, discovery when an instance never registers") {
    aegis::test::NatsServer::Options o;
    o.jetstream = false;
    aegis::test::NatsServer plain(o);
    auto r = run_aegis({"test", "connectivity", "--server", plain.url()}, {}, {}, 60s);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "JetStream"));
    aegis::test::NatsServer server;
    r = run_aegis({"test", "-f", scenario_data("discovery-unregistered.yaml"), "--server", server.url()},
                  {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "1 live instance(s) registered after 3000 ms, expected 2"));
}

TEST_CASE("test: --local runs nats-restart on a server of its own, and stops it") {
    auto j = scenario_json({"test", "nats-restart", "--local", "--json"}, 0, 90s);
    REQUIRE(j["scenarios"].size() == 1);
    CHECK(j["scenarios"][0]["status"] == "passed");
    std::vector<std::string> kinds;
    for (const auto& s : j["scenarios"][0]["steps"]) kinds.push_back(s["kind"]);
    CHECK(std::find(kinds.begin(), kinds.end(), "restart_server") != kinds.end());
    auto r = run_aegis({"test", "nats-restart", "--local", "--set", "heartbeat=60"}, {}, {}, 90s);
    CHECK(r.exit_code == 1);
}

// Needs root (network namespaces); CI runs as root. Elsewhere it is skipped, and says why.
TEST_CASE("test: partition-cluster-node cuts the leader's node in namespaces, heals, leaves none") {
    auto j = scenario_json({"test", "partition-cluster-node", "--local", "--json"},
                           0, 110s);
    REQUIRE(j["scenarios"].size() == 1);
    const auto& sc = j["scenarios"][0];
    INFO(sc.dump(2));
    if (::geteuid() != 0) {
        CHECK(sc["status"] == "skipped");
        CHECK(contains(sc["skip_reason"].get<std::string>(), "network namespaces need root"));
        return;
    }
    CHECK(sc["status"] == "passed");
    std::vector<std::string> kinds;
    for (const auto& s : sc["steps"]) kinds.push_back(s["kind"]);
    for (const char* k : {"netns", "partition", "heal"})
        CHECK(std::find(kinds.begin(), kinds.end(), k) != kinds.end());
    // Every namespace the run made (named in its first line: netns<pid>x<n>-*) is gone; other
    // tests may have namespaces of their own meanwhile.
    std::string title = sc["steps"][0]["title"];
    auto at = title.find("network namespaces netns");
    REQUIRE(at != std::string::npos);
    std::string prefix = title.substr(at + 19, title.find("-*", at) - at - 19) + "-";
    CHECK(prefix.size() > 7);
    CHECK_FALSE(contains(aegis::test::run_program({"ip", "netns", "list"}).out, prefix));
}

TEST_CASE("test: node faults need a namespaced cluster, and delay needs netem") {
    aegis::test::NatsServer server;
    auto r = run_aegis({"test", "-f", scenario_data("partition-no-netns.yaml"), "--server",
                        server.url()}, {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "'partition' of a node needs the scenario's own cluster in network "
                          "namespaces: add 'requires: [netns]'"));
    if (::geteuid() != 0) return;
    r = run_aegis({"test", "-f", scenario_data("delay-node.yaml"), "--local"}, {}, {}, 90s);
    INFO(r.err);
    // Where the kernel has netem the delay holds; where not (this CI's), the step says so.
    std::error_code ec;
    std::string release = aegis::test::run_program({"uname", "-r"}).out;
    release.erase(release.find_last_not_of(" \n") + 1);
    bool netem = std::filesystem::exists("/sys/module/sch_netem", ec);
    for (const char* ext : {".ko", ".ko.xz", ".ko.zst"})
        netem = netem || std::filesystem::exists(
                             "/lib/modules/" + release + "/kernel/net/sched/sch_netem" + ext, ec);
    if (netem) {
        CHECK(r.exit_code == 0);
    } else {
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "cannot delay a namespaced node: tc netem failed"));
    }
}

TEST_CASE("test: a user's scenario file written from docs/scenarios.md works") {
    aegis::test::NatsServer server;
    std::string file = scenario_data("user-example.yaml");
    // The file is the docs' example, word for word.
    auto docs = aegis::test::read_file(aegis::test::source_dir() + "/docs/scenarios.md");
    CHECK(contains(docs, aegis::test::read_file(file)));
    auto j = scenario_json({"test", "-f", file, "--json", "--server", server.url()}, 0, 60s);
    REQUIRE(j["scenarios"].size() == 1);
    CHECK(j["scenarios"][0]["name"] == "my-echo");
    CHECK(j["scenarios"][0]["steps"].size() == 7);  // 1 setup, 4 steps, 1 cleanup, the sweep
}

TEST_CASE("test: your own program from docs/scenarios.md runs under the run's names (--local)") {
    std::string file = scenario_data("own-program.yaml");
    auto docs = aegis::test::read_file(aegis::test::source_dir() + "/docs/scenarios.md");
    CHECK(contains(docs, aegis::test::read_file(file)));
    // A quick_setup program given nothing on its command line: the name, the id and the server
    // come from the environment the spawn step sets.
    auto j = scenario_json({"test", "-f", file, "--local", "--json", "--set",
                            std::string("program=") + AEGIS_QUICK_PROGRAM, "--set",
                            "method=ping"}, 0, 90s);
    REQUIRE(j["scenarios"].size() == 1);
    CHECK(j["scenarios"][0]["status"] == "passed");
}

TEST_CASE("test: an instance of the user's killed by a run leaves no registry entry behind") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir;
    // A service name without the run id: only the instance ids the run gave tell its entries.
    std::string file = dir.path() + "/ghost.yaml";
    std::ofstream(file) << "name: ghost\nsteps:\n"
                           "  - spawn: {command: [\"" AEGIS_QUICK_PROGRAM "\"], service: "
                           "qp-ghost, count: 2, as: mine, ready: registered}\n"
                           "  - kill: {group: mine, index: 1, signal: KILL}\n";
    auto r = run_aegis({"test", "-f", file, "--server", server.url()}, {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    auto conn = server.connect();
    auto kv = aegis::nats::KeyValue::open(conn, "service_registry");
    for (const auto& k : kv.keys()) CHECK_FALSE(contains(k, "qp-ghost"));
}

TEST_CASE("test: a spawned program that registers under an id of its own is named as the cause") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir;
    std::string file = dir.path() + "/own-id.yaml";
    std::ofstream(file) << "name: own-id\nsteps:\n"
                           "  - spawn: {command: [\"" AEGIS_QUICK_PROGRAM "\", --instance-id, "
                           "qp-chosen-1], service: \"qp-own-${run}\", ready: registered, "
                           "timeout: 3s}\n";
    auto r = run_aegis({"test", "-f", file, "--server", server.url()}, {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "has instance 'qp-chosen-1' registered instead: the program does not "
                          "take the id it is given"));
    CHECK(contains(r.err, "--instance-id, \"${instance_id}\""));
}

TEST_CASE("test: a scenario file named like a scenario runs as with -f") {
    std::string file = scenario_data("user-example.yaml");
    auto by_name = run_aegis({"test", file, "--list"});
    INFO(by_name.err);
    CHECK(by_name.exit_code == 0);
    CHECK(contains(by_name.out, "my-echo"));
    CHECK(by_name.out == run_aegis({"test", "-f", file, "--list"}).out);
}

TEST_CASE("test: invalid scenario files exit 65 naming file, line and column") {
    aegis::test::TempDir dir;
    auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir.path() + "/" + name) << text;
        return dir.path() + "/" + name;
    };
    struct Bad {
        std::string text, where, says;
    };
    std::vector<Bad> cases = {
        {"name: x\nsteps:\n  - sleep: 1s\n  - spwan: {demo: echo}\n", ":4:5:",
         "unknown step kind 'spwan'"},
        {"name: x\nsteps:\n  - call: {service: a, method: b, count: many}\n", ":3:42:",
         "'call.count' must be an integer"},
        {"name: x\nsteps:\n  - kill: {leader: a, sginal: TERM}\n", ":3:23:",
         "'kill' has no option 'sginal'"},
        {"name: x\nsteps: [\n", ":3:1:", "end of"},
        {"steps:\n  - sleep: 1s\n", ":1:1:", "needs a 'name'"},
        {"name: x\nsteps:\n  - sleep: soon\n", ":3:12:", "takes a duration"},
        {"name: x\nsteps:\n  - call: {method: b}\n", ":3:11:", "'call' needs 'service'"},
    };
    int n = 0;
    for (const auto& c : cases) {
        std::string path = write("bad" + std::to_string(++n) + ".yaml", c.text);
        auto r = run_aegis({"test", "-f", path});
        INFO(c.text << r.err);
        CHECK(r.exit_code == 65);
        CHECK(contains(r.err, "aegis: error: " + path + c.where));
        CHECK(contains(r.err, c.says));
        CHECK(r.out.empty());
    }
    auto r = run_aegis({"test", "-f", scenario_data("bad.yaml")});
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, "bad.yaml:7:14: 'call.count' must be an integer"));
}

TEST_CASE("test: usage, missing file and an unreachable NATS have their exit codes") {
    auto r = run_aegis({"test"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no scenario selected"));
    r = run_aegis({"test", "no-such-scenario"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no scenario named 'no-such-scenario'"));
    r = run_aegis({"test", "-f", "/nonexistent/s.yaml"});
    CHECK(r.exit_code == 66);
    r = run_aegis({"test", "connectivity", "--server", "nats://127.0.0.1:1"}, {}, {}, 30s);
    CHECK(r.exit_code == 69);
    CHECK(r.out.empty());
}

TEST_CASE("test: Ctrl-C still runs cleanup and leaves no process or key behind") {
    aegis::test::NatsServer server;
    aegis::test::Background run({"test", "sticky-active", "--server", server.url()});
    REQUIRE(run.wait_for_output("spawn 3", 20s));
    auto out = run.output();
    auto at = out.find("(run ");
    REQUIRE(at != std::string::npos);
    std::string run_id = out.substr(at + 5, 6);
    kill(run.pid(), SIGINT);
    REQUIRE(run.wait_for_output("remove what run " + run_id + " created", 20s));
    // Wait for the summary, then collect the exit status (a second Ctrl-C is
    // test_test_interrupt.cpp's).
    REQUIRE(run.wait_for_output(" failed, ", 10s));
    CHECK(run.stop(SIGTERM, 10s) == 130);
    out = run.output();
    INFO(out);
    CHECK(contains(out, "✓ remove what run " + run_id));
    // No process of the run is alive (their command lines carry the run id).
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string cmd = aegis::test::read_file(e.path().string() + "/cmdline");
        CHECK_FALSE(contains(cmd, "sticky-" + run_id));
    }
    auto conn = server.connect();
    for (const auto& item : nats_inventory(*conn, conn)) CHECK_FALSE(contains(item, run_id));
    for (const auto& b : aegis::nats::kv_bucket_names(*conn)) CHECK_FALSE(contains(b, run_id));
}

// A call whose first attempt goes unanswered (as one sent to a leader killed a moment before):
// with retry_timeouts the step tries again with the same message id and passes; without, the
// timeout is the call's answer (it may have run) and the step fails naming it.
TEST_CASE("test: a call step retries a timed-out attempt only with retry_timeouts") {
    aegis::test::NatsServer server;
    // A responder that leaves every other request unanswered, as a dead leader does.
    auto conn = server.connect("responder");
    std::atomic<int> seen{0};
    auto sub = conn->subscribe("rpc.retry-to.echo", [&](aegis::nats::Msg& m) {
        if (++seen % 2 == 1) return;
        auto req = aegis::wire::decode_rpc_request(m.data());
        auto res = aegis::wire::make_success(req.header.message_id, req.params);
        conn->publish(m.reply(), aegis::wire::encode_envelope(res, aegis::wire::Format::msgpack));
    });
    conn->flush();
    aegis::test::TempDir dir;
    auto write = [&](const std::string& name, bool retry) {
        std::string path = dir.path() + "/" + name + ".yaml";
        std::ofstream(path) << "name: " << name << "\nsteps:\n  - call:\n"
                            << "      service: retry-to\n      method: echo\n"
                            << "      params: {message: hi}\n      attempts: 3\n"
                            << "      timeout: 500ms\n      retry_timeouts: "
                            << (retry ? "true" : "false") << "\n"
                            << "      expect: {result: {message: hi}}\n";
        return path;
    };
    auto with = run_aegis({"test", "-f", write("with-retry", true), "--server", server.url()}, {},
                          {}, 60s);
    INFO(with.out << with.err);
    CHECK(with.exit_code == 0);
    seen = 0;
    auto without = run_aegis(
        {"test", "-f", write("without-retry", false), "--server", server.url()}, {}, {}, 60s);
    INFO(without.out << without.err);
    CHECK(without.exit_code == 1);
    CHECK(contains(without.err, "timed out after 500 ms"));
}

// The network steps act on one instance's own link: delay slows its calls, heal ends it; an
// instance spawned without a fault proxy cannot be partitioned, and the step says why.
TEST_CASE("test: partition, delay and heal steps act on an instance's own link") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir;
    std::string path = dir.path() + "/net.yaml";
    std::ofstream(path) << R"(name: net-steps
steps:
  - spawn: {demo: echo-single, service: "ns-${run}", count: 2, as: e, fault_proxy: true,
            args: [--policy, conservative]}
  - wait_for: {leader: "${e}", timeout: 10s}
  - delay: {leader: "${e}", latency: 250ms, duration: 20s}
  - call: {service: "${e}", method: echo, params: {message: slow}, timeout: 5s, record: slow}
  - heal:
  - call: {service: "${e}", method: echo, params: {message: fast}, record: fast}
  - assert: ["slow.p50_ms >= 500", "fast.p50_ms < 400"]
  - partition: {leader: "${e}", duration: 20s}
  - wait_for: {leader: "${e}", not: "${partitioned}", timeout: 15s}
  - heal:
  - spawn: {demo: echo-single, service: "nx-${run}", as: plain}
  - partition: {group: plain}
)";
    auto r = run_aegis({"test", "-f", path, "--server", server.url()}, {}, {}, 90s);
    INFO(r.err);
    CHECK(r.exit_code == 1);  // the last step
    CHECK(contains(r.err, "✓ delay leader"));
    CHECK(contains(r.err, "✓ assert"));
    CHECK(contains(r.err, "✓ wait for a leader of ns-"));
    CHECK(contains(r.err, "does not connect through a fault proxy: spawn it with 'fault_proxy: "
                          "true'"));
}
