#pragma once
// aegis::testing: scenario tests of your own service from your own test program. Link
// aegis::testing (find_package(aegis)); docs/testing.md shows a whole test.
//
//   aegis::testing::ScenarioOptions o;
//   o.program = "/path/to/my-service";               // ${program} in the scenario
//   auto r = aegis::testing::run_scenario(R"(name: answers
//   steps:
//     - spawn: {command: ["${program}", --instance-id, "${instance_id}"],
//               service: my-service, ready: registered}
//     - call: {service: my-service, method: echo, params: {message: hi},
//              expect: {result: {echo: hi}}}
//   )", o);
//   REQUIRE(r.ok());                                // r.report() says what failed
//
// The scenario language is `aegis test`'s (docs/scenarios.md), run by the same runner. Without
// a server URL, run_scenario starts a LocalNats of its own for the run.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace aegis::testing {

// A nats-server with JetStream on a free loopback port (the server picks it, no race), its
// store in a temporary directory; stopped and removed when it goes out of scope.
// aegis::UnavailableError when nats-server is not installed or does not start.
class LocalNats {
public:
    LocalNats();
    ~LocalNats();
    LocalNats(const LocalNats&) = delete;
    LocalNats& operator=(const LocalNats&) = delete;

    static bool available();         // nats-server is on PATH (else: skip the test)
    const std::string& url() const;  // nats://127.0.0.1:PORT
    void stop();                     // the server goes away (a test of your reconnects)
    void restart();                  // on the same port, with the same store

private:
    friend class Access;
    struct Impl;
    std::unique_ptr<Impl> m;
};

struct ScenarioOptions {
    std::string server;   // a NATS URL; empty: a LocalNats of the run's own
    LocalNats* local = nullptr;  // or this one (stop_server / restart_server steps then work)
    std::string program;  // your service binary: ${program} in `spawn: {command: [...]}`
    // Added to the environment of every spawned program (a `command` spawn also gets
    // AEGIS_NATS_URL = the server and AEGIS_INSTANCE_ID = its instance id).
    std::vector<std::pair<std::string, std::string>> env;
    std::map<std::string, std::string> vars;  // ${NAME} values, as `aegis test --set`
    std::chrono::milliseconds timeout{120000};  // per scenario, unless the scenario sets one
    bool keep_logs = false;  // keep the spawned programs' logs also when the scenario passes
};

struct StepResult {
    std::string phase;  // setup | steps | cleanup
    std::string kind;   // spawn, call, kill, ...
    std::string title;  // what the step did, with its figures
    bool passed = true;
    std::string message;  // why it failed
    double duration_ms = 0;
    std::map<std::string, double> figures;
};

struct ScenarioResult {
    std::string name;
    std::string status;  // passed | failed | skipped
    std::string skip_reason;
    std::vector<StepResult> steps;
    double duration_ms = 0;
    std::string log_dir;  // the spawned programs' logs, kept when the scenario failed
    bool ok() const { return status == "passed"; }
};

struct TestResults {
    std::vector<ScenarioResult> scenarios;  // one per YAML document
    // Every scenario passed (a skipped one is not a pass).
    bool ok() const;
    // "scenario: step — why" for each failed step (and each skipped scenario).
    std::vector<std::string> failures() const;
    // A human report: one line per step, ✓ / ✗, then the failures (for INFO / a log).
    std::string report() const;
    // A figure a step recorded ("call.ok", "kill.new_leader_ms": kind.figure), the last step's
    // when several did; NaN when none did.
    double figure(const std::string& name) const;
};

// Runs a scenario file (a path ending in .yaml / .yml) or a scenario given as YAML text.
// aegis::DataError (bad YAML or step, with line and column), NoInputError (no such file),
// UnavailableError (no nats-server for the LocalNats); a failing step is a result, not a throw.
TestResults run_scenario(const std::string& path_or_yaml, const ScenarioOptions& options = {});

}  // namespace aegis::testing
