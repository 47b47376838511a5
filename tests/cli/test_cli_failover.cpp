// `aegis failover` end to end: it spawns echo-single instances of this very binary, kills the
// leader (crash and clean stop), and reports a completed failover without lost calls.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "core/registry/registry.hpp"
#include "core/util/net.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::run_aegis;
using namespace std::chrono_literals;

namespace {

nlohmann::json run_json(const std::vector<std::string>& args, int expect_exit = 0) {
    auto r = run_aegis(args, {}, {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == expect_exit);
    return nlohmann::json::parse(r.out);
}

void check_trial(const nlohmann::json& j, const std::string& kill) {
    REQUIRE(j.at("trials").size() == 1);
    const auto& t = j["trials"][0];
    CHECK(t["kill"] == kill);
    CHECK(t["old_leader"] != t["new_leader"]);
    CHECK(t["new_leader"].is_string());
    CHECK(t["first_success_ms"].is_number());
    CHECK(t["elected_ms"].is_number());
    CHECK(t["detect_ms"].is_number());
    CHECK(t["lost"] == 0);
    CHECK(t["split_brain"] == 0);
    CHECK(t["calls"].get<int>() > 20);
    CHECK(j["summary"]["completed"] == 1);
}

}  // namespace

TEST_CASE("failover: --spawn measures a crash and a clean stop without losing a call") {
    aegis::test::NatsServer server;
    for (std::string kill : {"crash", "stop"}) {
        INFO(kill);
        auto j = run_json({"failover", "fo-cli-" + kill, "--spawn", "3", "--trials", "1", "--kill",
                           kill, "--policy", "aggressive", "--duration", "2", "--kill-after", "0.7",
                           "--json", "--server", server.url()});
        check_trial(j, kill);
        CHECK(j["mode"] == "spawn");
        CHECK(j["policy"] == "aggressive");
        CHECK(j["instances"] == 3);
        // A clean stop hands over at once; a crash waits for the 400 ms lease to go stale.
        double first = j["trials"][0]["first_success_ms"];
        CHECK(first < (kill == "stop" ? 1000.0 : 3000.0));
        // Nothing of the run stays in the registry: not the instances stopped at the end, and
        // not the leader killed with SIGKILL (it could not deregister; the run removes it).
        aegis::registry::Registry reg(server.connect("check"));
        aegis::registry::ListOptions lo;
        lo.service = "fo-cli-" + kill;
        lo.include_stale = true;
        std::string left;
        for (const auto& l : reg.list(lo)) left += l.instance.instance_id + " ";
        CHECK(left == "");
    }
}

TEST_CASE("failover: a service without an election bucket is unavailable (exit 69)") {
    aegis::test::NatsServer server;
    auto r = run_aegis({"failover", "no-such-single", "--duration", "1", "--server", server.url()});
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("no election bucket") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("failover: without --spawn and without a failover the answer is no (exit 1)") {
    aegis::test::NatsServer server;
    aegis::test::Background svc({"demo", "echo-single", "--service", "fo-cli-idle", "--policy",
                                 "aggressive", "--server", server.url()});
    REQUIRE(svc.wait_for_output("is ACTIVE", 10s));
    auto r = run_aegis(
        {"failover", "fo-cli-idle", "--duration", "1", "--json", "--server", server.url()});
    CHECK(r.exit_code == 1);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["mode"] == "external");
    CHECK(j["trials"].empty());
    CHECK(j["problems"].size() == 1);
}

// The default method (echo) on a service without it made no call succeed, and the run waited
// out its whole duration before saying anything: the method is checked first.
TEST_CASE("failover: a method the service does not announce is exit 65 before any kill") {
    aegis::test::NatsServer server;
    aegis::test::Background order({"demo", "order", "--service", "fo-cli-order", "--server",
                                   server.url()});
    REQUIRE(order.wait_for_output("is ACTIVE", 10s));
    const std::string methods =
        "(methods: cancel_order, create_order, get_order, get_order_status, get_statistics, list_orders)";
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_aegis({"failover", "fo-cli-order", "--method", "echo", "--duration", "60",
                        "--server", server.url()}, {}, {}, 90s);
    INFO(r.err);
    CHECK(r.exit_code == 65);
    CHECK(r.err == "aegis: error: 'fo-cli-order' has no method 'echo' " + methods +
                       " (choose one with --method)\n");
    CHECK(r.out.empty());
    CHECK(std::chrono::steady_clock::now() - t0 < 20s);  // not the 60 s of the run
    auto near = run_aegis({"failover", "fo-cli-order", "--method", "get_ordr", "--duration", "60",
                           "--server", server.url()}, {}, {}, 90s);
    CHECK(near.exit_code == 65);
    CHECK(near.err.find("(did you mean 'get_order'?)") != std::string::npos);
    // No --method: of its six exclusive methods, none is the one to take for granted.
    auto several = run_aegis({"failover", "fo-cli-order", "--duration", "60", "--server",
                              server.url()}, {}, {}, 90s);
    CHECK(several.exit_code == 65);
    CHECK(several.err == "aegis: error: 'fo-cli-order' has several exclusive methods "
                         "(cancel_order, create_order, get_order, get_order_status, "
                         "get_statistics, list_orders) (choose the one to drive with --method, "
                         "and its params with -d)\n");
    // With --spawn the instances it started are asked, before the first kill.
    auto spawned = run_aegis({"failover", "fo-cli-order2", "--spawn", "2", "--demo", "order",
                              "--method", "echo", "--server", server.url()}, {}, {}, 90s);
    INFO(spawned.err);
    CHECK(spawned.exit_code == 65);
    CHECK(spawned.err.find("'fo-cli-order2' has no method 'echo' " + methods) !=
          std::string::npos);
    CHECK(spawned.err.find("SIGKILL") == std::string::npos);
}

TEST_CASE("failover: spawned instances connect the way the caller does (--config with a token)") {
    aegis::test::NatsServer::Options so;
    so.extra_args = {"--auth", "fo-Token-42"};
    aegis::test::NatsServer server(so);
    aegis::test::TempDir dir;
    std::string file = dir.path() + "/aegis.yaml";
    std::ofstream(file) << "auth:\n  token: fo-Token-42\n";
    auto j = run_json({"failover", "fo-cli-auth", "--spawn", "2", "--trials", "1", "--policy",
                       "aggressive", "--duration", "2", "--kill-after", "0.7", "--json",
                       "--config", file, "--server", server.url()});
    check_trial(j, "crash");
}

TEST_CASE("failover: --spawn next to a leader it did not start says so at once (exit 69)") {
    aegis::test::NatsServer server;
    aegis::test::Background outsider({"demo", "echo-single", "--service", "fo-cli-foreign",
                                      "--instance-id", "fo-cli-foreign-outsider", "--server",
                                      server.url()});
    REQUIRE(outsider.wait_for_output("is ACTIVE", 10s));
    auto r = run_aegis({"failover", "fo-cli-foreign", "--spawn", "2", "--trials", "1", "--server",
                        server.url()});
    CHECK(r.exit_code == 69);
    CHECK(r.took < 5s);  // was: 20 s of silence
    CHECK(r.err.find("fo-cli-foreign-outsider") != std::string::npos);
    CHECK(r.err.find("--take-over") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("failover: --take-over spawns anyway and measures once the outside leader stops") {
    aegis::test::NatsServer server;
    auto outsider = std::make_unique<aegis::test::Background>(std::vector<std::string>{
        "demo", "echo-single", "--service", "fo-cli-takeover", "--instance-id",
        "fo-cli-takeover-outsider", "--policy", "aggressive", "--server", server.url()});
    REQUIRE(outsider->wait_for_output("is ACTIVE", 10s));
    aegis::test::ProcessResult r;
    std::thread run([&] {
        r = run_aegis({"failover", "fo-cli-takeover", "--spawn", "2", "--trials", "1",
                       "--take-over", "--policy", "aggressive", "--duration", "2",
                       "--kill-after", "0.7", "--json", "--server", server.url()},
                      {}, {}, 60s);
    });
    std::this_thread::sleep_for(2s);
    outsider->stop();  // its owner stops it: the spawned instances take over
    run.join();
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("was not started by this run") != std::string::npos);
    auto j = nlohmann::json::parse(r.out);
    check_trial(j, "crash");
    CHECK(j["trials"][0]["old_leader"] != "fo-cli-takeover-outsider");
}

TEST_CASE("failover: --spawn-cmd runs the user's command without a shell, connected by env") {
    aegis::test::NatsServer server;
    // The service under test is given as one string: the binary of this build, a quoted
    // argument, {n} replaced per instance; no --server: it finds NATS in AEGIS_NATS_URL.
    std::string cmd = aegis::test::aegis_binary() +
                      " demo echo-single --service fo-cli-cmd --policy aggressive --instance '{n}'";
    auto j = run_json({"failover", "fo-cli-cmd", "--spawn", "2", "--trials", "1", "--spawn-cmd",
                       cmd, "--duration", "2", "--kill-after", "0.7", "--json", "--keep-logs",
                       "--server", server.url()});
    check_trial(j, "crash");
    CHECK(j["policy"].is_null());  // the command's own
    // The spawned instances took the ids failover gave them (AEGIS_INSTANCE_ID).
    CHECK(j["trials"][0]["old_leader"].get<std::string>().rfind("fo-cli-cmd-", 0) == 0);
    CHECK(j["summary"]["executions"].get<int>() > 20);  // they report their runs
    CHECK(j["summary"]["service_duplicates"] == 0);
    auto bad = run_aegis({"failover", "fo-cli-cmd", "--spawn", "2", "--spawn-cmd", "svc 'open",
                          "--server", server.url()});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unterminated") != std::string::npos);
    auto alone = run_aegis({"failover", "fo-cli-cmd", "--spawn-cmd", "svc", "--server",
                            server.url()});
    CHECK(alone.exit_code == 2);
}

TEST_CASE("failover: a --spawn-cmd program that picks its own id is named as the cause, at once") {
    aegis::test::NatsServer server;
    // The instances ignore the ids failover gives them: none of theirs is "ours".
    std::string cmd = aegis::test::aegis_binary() +
                      " demo echo-single --service fo-cli-ownid --instance-id 'fo-cli-ownid-x{n}'";
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_aegis({"failover", "fo-cli-ownid", "--spawn", "2", "--spawn-cmd", cmd,
                        "--server", server.url()}, {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("which this run did not start") != std::string::npos);
    CHECK(r.err.find("does not take the id it is given: aegis::quick_setup programs take "
                     "AEGIS_INSTANCE_ID; others need --instance-id {id} in --spawn-cmd") !=
          std::string::npos);
    CHECK(std::chrono::steady_clock::now() - t0 < 15s);  // not the 20 s wait for a leader
}
