// Every check of the scenario language (docs/scenarios.md) fails a run where it must fail, with
// its own message: a check that silently did not run (a typo'd key, a key its step ignores, a
// bound never compared) would let a scenario pass that proves nothing.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;
using namespace std::chrono_literals;

namespace {

// The first failed step's message of each scenario, by scenario name.
std::map<std::string, std::string> failures(const nlohmann::json& report) {
    std::map<std::string, std::string> out;
    for (const auto& sc : report["scenarios"]) {
        std::string why = "(" + sc["status"].get<std::string>() + ")";
        for (const auto& st : sc["steps"])
            if (st["status"] == "failed") {
                why = st["message"].get<std::string>();
                break;
            }
        out[sc["name"].get<std::string>()] = why;
    }
    return out;
}

}  // namespace

TEST_CASE("scenario checks: each documented check fails a run where it must fail") {
    aegis::test::NatsServer server;
    std::string file = std::string(AEGIS_TEST_DATA_DIR) + "/scenarios/checks-must-fail.yaml";
    auto r = run_aegis({"test", "-f", file, "--keep-going", "--json", "--server", server.url()},
                       {}, {}, 110s);
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    auto got = failures(nlohmann::json::parse(r.out));
    const std::map<std::string, std::string> want = {
        {"call-must-succeed", "calls not as expected; first: failed: "},
        {"call-expect-result", "does not contain {\"echo\":\"bye\"}"},
        {"call-expect-error", "succeeded, expected an error containing 'boom'"},
        {"call-expect-instance", ", expected somebody-else"},
        {"call-expect-not-instance", "which it must not be"},
        {"call-expect-instances", "1 distinct instances answered, expected at least 2"},
        {"call-expect-spread-over", "an instance got no call"},
        {"call-expect-fairness", "< 1.00"},
        {"load-max-error-rate", "thresholds not met: --max-error-rate"},
        {"load-max-p99-ms", "thresholds not met: --max-p99-ms"},
        {"load-min-throughput", "thresholds not met: --min-rps"},
        {"events-each", "expected exactly 6"},
        {"events-total", "events processed in total, expected exactly 6"},
        {"events-receivers", "2 instances processed events, expected exactly 1"},
        {"command-expect-status", "status 'completed', expected 'failed'"},
        {"command-min-progress", "expected at least 1000"},
        {"kill-expect-new-leader", "no new leader of "},
        {"wait-for-leader", "no leader within 1000 ms"},
        {"wait-for-instances", "1 live instance(s) registered after 1000 ms, expected 2"},
        {"wait-for-registered", "still present after 1000 ms"},
        {"failover-max-first-success-ms", "(at most 1 ms)"},
        {"check-port-forward", "no port-forward"},
        {"assert-figure", "call.ok is 2, expected > 2"},
        {"assert-unrecorded-figure", "no figure 'nothing.recorded' was recorded"},
        {"leftovers", "left: process "},
        {"load-no-call-succeeded", "no call succeeded (10 sent, 10 failed)"},
        {"failover-method", "has no method 'echo' (methods: cancel_order, create_order, "
                            "get_order, get_order_status, get_statistics, list_orders)"},
    };
    CHECK(got.size() == want.size());
    for (const auto& [name, says] : want) {
        INFO(name << ": " << got[name]);
        CHECK(contains(got[name], says));
    }
}

TEST_CASE("scenario checks: registry and kv fail on a server without JetStream") {
    aegis::test::NatsServer::Options o;
    o.jetstream = false;
    aegis::test::NatsServer plain(o);
    aegis::test::TempDir dir;
    std::string file = dir.path() + "/checks.yaml";
    std::ofstream(file) << "name: check-registry\nsteps:\n  - check: registry\n---\n"
                           "name: check-kv\nsteps:\n  - check: kv\n";
    auto r = run_aegis({"test", "-f", file, "--keep-going", "--json", "--server", plain.url()},
                       {}, {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 1);
    auto got = failures(nlohmann::json::parse(r.out));
    REQUIRE(got.size() == 2);
    for (const auto& [name, why] : got) {
        INFO(name << ": " << why);
        CHECK(contains(why, "JetStream is not enabled"));
        CHECK(contains(why, "(step at "));  // the check step itself failed, not the sweep
    }
}
