// Starts a real nats-server and the service, publishes an event and sees it handled.
#include <aegis/aegis.hpp>
#include <catch2/catch.hpp>

#include "harness.hpp"

TEST_CASE("{{name}} handles order events") {
    if (!harness::on_path("nats-server")) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    harness::NatsServer nats;
    harness::Child service({PROGRAM, "--server", nats.url(), "--quiet"});
    auto conn = aegis::connect_nats(nats.url(), "{{name}}-test");
    aegis::Client client(conn);
    REQUIRE(harness::eventually([&] { return client.call("{{name}}", "stats", {}).is_object(); }));
    aegis::EventPublisher publisher(conn);
    publisher.publish("orders", "created", {{"order_id", 1}});
    CHECK(harness::eventually([&] { return client.call("{{name}}", "stats", {})["orders"] == 1; }));
}
