// Runs the service against a nats-server of the test's own, publishes an order event and sees it
// counted (aegis::testing, the language of `aegis test`).
#include <aegis/testing.hpp>
#include <catch2/catch.hpp>

TEST_CASE("{{name}} handles order events") {
    if (!aegis::testing::LocalNats::available()) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    aegis::testing::ScenarioOptions options;
    options.program = PROGRAM;
    auto results = aegis::testing::run_scenario(R"(name: {{name}}-events
steps:
  - spawn: {command: ["${program}", --quiet, --instance-id, "${instance_id}"], service: {{name}}, ready: registered}
  - publish: {domain: orders, type: created, payload: {order_id: 1}}
  - call: {service: {{name}}, method: stats, until: 15s, expect: {result: {orders: 1}}}
)", options);
    INFO(results.report());
    CHECK(results.ok());
}
