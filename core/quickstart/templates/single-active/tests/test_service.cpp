// Two instances against a nats-server of the test's own: one leader runs the exclusive method,
// and when it is killed the other takes over (aegis::testing, the language of `aegis test`).
#include <aegis/testing.hpp>
#include <catch2/catch.hpp>

TEST_CASE("{{name}}: one leader runs the exclusive method, a standby takes over") {
    if (!aegis::testing::LocalNats::available()) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    aegis::testing::ScenarioOptions options;
    options.program = PROGRAM;
    auto results = aegis::testing::run_scenario(R"(name: {{name}}-takes-over
steps:
  - spawn: {command: ["${program}", --quiet, --instance-id, "${instance_id}"], service: {{name}}, as: pair, count: 2,
            ready: leader}
  - wait_for: {leader: {{name}}, timeout: 15s}
  - call: {service: {{name}}, method: process, params: {item: 1}, count: 5, attempts: 5,
           expect: {instance: "${leader}"}}
  - kill: {leader: {{name}}, expect_new_leader: 20s}
  - call: {service: {{name}}, method: process, params: {item: 2}, attempts: 8,
           retry_timeouts: true, expect: {instance: "${new_leader}"}}
)", options);
    INFO(results.report());
    CHECK(results.ok());
    CHECK(results.figure("kill.new_leader_ms") > 0);
}
