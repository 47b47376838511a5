// Runs the service against a nats-server of the test's own and calls it, as a scenario of
// aegis::testing (<aegis/testing.hpp>; the language of `aegis test`, docs/scenarios.md).
#include <aegis/testing.hpp>
#include <catch2/catch.hpp>

TEST_CASE("{{name}} answers echo and add") {
    if (!aegis::testing::LocalNats::available()) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    aegis::testing::ScenarioOptions options;
    options.program = PROGRAM;  // ${program}: this project's service binary
    auto results = aegis::testing::run_scenario(R"(name: {{name}}-answers
steps:
  - spawn: {command: ["${program}", --quiet, --instance-id, "${instance_id}"], service: {{name}}, count: 2, ready: registered}
  - call: {service: {{name}}, method: echo, params: {message: hello},
           expect: {result: {echo: hello}}}
  - call: {service: {{name}}, method: add, params: {a: 2, b: 3}, count: 20,
           expect: {result: {sum: 5}, instances: 2}}
)", options);
    INFO(results.report());
    CHECK(results.ok());
    CHECK(results.figure("call.ok") == 20);
}
