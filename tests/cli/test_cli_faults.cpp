// `aegis failover --fault`: every fault against spawned instances of this very binary and a real
// nats-server. The network faults go through one fault proxy per instance; a cut-off or frozen
// leader must fence itself (run nothing after losing its lease) and come back as a standby.
#include <catch2/catch.hpp>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;
using namespace std::chrono_literals;

namespace {

// One trial of `fault` on 3 echo-single instances (aggressive policy: 400 ms lease).
nlohmann::json run_fault(const aegis::test::NatsServer& server, const std::string& fault,
                         std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"failover", "fx-" + fault, "--spawn", "3", "--fault", fault,
                                  "--policy", "aggressive", "--duration", "2", "--kill-after",
                                  "0.5", "--json", "--server", server.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_aegis(args, {}, {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["fault"] == fault);
    REQUIRE(j["trials"].size() == 1);
    CHECK(j["trials"][0]["kill"] == fault);
    CHECK(j["summary"]["lost"] == 0);
    CHECK(j["summary"]["split_brain"] == 0);
    CHECK(j["summary"]["completed"] == 1);
    return j;
}

// A cut trial that cost the old leader its lease: it fenced itself well before the heal, ran
// nothing after losing the lease and reported it once back.
void check_cut_off(const nlohmann::json& j, double cut_ms) {
    const auto& t = j["trials"][0];
    INFO(t.dump(2));
    CHECK(t["new_leader"].is_string());
    CHECK(t["old_leader"] != t["new_leader"]);
    CHECK(t["cut_ms"].get<double>() >= cut_ms - 50);
    CHECK(t["after_loss"] == 0);
    REQUIRE(t["believed_ms"].is_number());
    CHECK(t["believed_ms"].get<double>() < cut_ms);  // fenced, not merely told at the heal
    CHECK(t["rejoin_ms"].is_number());
    CHECK(j["summary"]["after_loss"] == 0);
}

}  // namespace

TEST_CASE("failover --fault partition: the cut-off leader fences itself and rejoins") {
    aegis::test::NatsServer server;
    auto j = run_fault(server, "partition", {"--fault-duration", "1.5"});
    check_cut_off(j, 1500);
}

TEST_CASE("failover --fault stop: a frozen leader resumes as a standby, running nothing") {
    aegis::test::NatsServer server;
    auto j = run_fault(server, "stop", {"--fault-duration", "1.5"});
    check_cut_off(j, 1500);
}

TEST_CASE("failover --fault flap: a flapping link costs the lease once, nothing is lost") {
    aegis::test::NatsServer server;
    auto j = run_fault(server, "flap", {"--fault-duration", "2"});
    const auto& t = j["trials"][0];
    INFO(t.dump(2));
    CHECK(t["after_loss"] == 0);
    CHECK(t["new_leader"].is_string());
}

TEST_CASE("failover --fault latency: a slow link is measured, a failover is not required") {
    aegis::test::NatsServer server;
    auto j = run_fault(server, "latency", {"--fault-duration", "1", "--latency", "150"});
    const auto& t = j["trials"][0];
    INFO(t.dump(2));
    CHECK(t["cut_ms"].get<double>() >= 950);
    CHECK(t["after_loss"] == 0);
    CHECK(j["summary"]["ok"].get<int>() + j["summary"]["retried"].get<int>() > 20);
}

TEST_CASE("failover --fault slow-close: standbys see the half-open leader gone at once") {
    aegis::test::NatsServer server;
    auto j = run_fault(server, "slow-close", {"--fault-duration", "1.5"});
    const auto& t = j["trials"][0];
    INFO(t.dump(2));
    CHECK(t["new_leader"].is_string());
    // The server dropped the connection: the standbys' probe answers before any lease runs out.
    CHECK(t["first_success_ms"].get<double>() < 1500);
    CHECK(t["after_loss"] == 0);
}

TEST_CASE("failover --fault kill and term: the signals of --kill crash and --kill stop") {
    aegis::test::NatsServer server;
    for (std::string f : {"kill", "term"}) {
        INFO(f);
        auto j = run_fault(server, f);
        CHECK(j["trials"][0]["new_leader"].is_string());
        CHECK(j["trials"][0]["cut_ms"].is_null());
    }
}

TEST_CASE("failover --fault: bad input exits 2 with the reason") {
    auto no_spawn = run_aegis({"failover", "fx", "--fault", "partition", "--server",
                               "nats://127.0.0.1:1"});
    CHECK(no_spawn.exit_code == 2);
    CHECK(contains(no_spawn.err, "--fault needs --spawn"));
    auto bad = run_aegis({"failover", "fx", "--spawn", "2", "--fault", "cut"});
    CHECK(bad.exit_code == 2);
    auto range = run_aegis({"failover", "fx", "--spawn", "2", "--fault", "partition",
                            "--fault-duration", "5-1", "--server", "nats://127.0.0.1:1"});
    CHECK(range.exit_code == 2);
    CHECK(contains(range.err, "MIN is above MAX"));
    auto both = run_aegis({"failover", "fx", "--spawn", "2", "--fault", "stop", "--kill",
                           "crash"});
    CHECK(both.exit_code == 2);
}
