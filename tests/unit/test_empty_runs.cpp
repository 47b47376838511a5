// A run that measured nothing never passes: a failover run or a load run in which no call
// succeeded is judged a failure, whatever its bounds or thresholds say.
#include <catch2/catch.hpp>

#include "core/load/report.hpp"
#include "core/scenario/failover_verdict.hpp"

using namespace aegis;

TEST_CASE("failover verdict: no successful call fails the run, whatever the bounds") {
    scenario::FailoverReport r;
    r.summary.trials = 1;
    r.summary.completed = 1;
    r.summary.calls = 12;
    r.summary.failed = 12;
    scenario::FailoverBounds generous;
    generous.max_lost = 1000;
    generous.max_split_brain = 1000;
    CHECK(scenario::failover_verdict(r, generous) ==
          std::vector<std::string>{"no call succeeded (12 calls)"});
    // One success, after retries, is a measurement.
    r.summary.retried = 1;
    r.summary.failed = 11;
    CHECK(scenario::failover_verdict(r, generous).empty());
}

TEST_CASE("load report: a run without one success says so") {
    load::LoadReport r;
    r.requests = 20;
    r.errors.remote["500"] = 20;
    CHECK(load::nothing_succeeded(r) == "no call succeeded (20 sent, 20 failed)");
    r.errors.remote.clear();
    r.unfinished = 20;
    CHECK(load::nothing_succeeded(r) == "no call succeeded (20 sent, none answered)");
    r.ok = 1;
    CHECK(load::nothing_succeeded(r).empty());
}
