// Starts a real nats-server and two instances; the exclusive method is answered by the leader.
#include <aegis/aegis.hpp>
#include <catch2/catch.hpp>

#include "harness.hpp"

TEST_CASE("{{name}}: one leader runs the exclusive method") {
    if (!harness::on_path("nats-server")) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    harness::NatsServer nats;
    harness::Child first({PROGRAM, "--server", nats.url(), "--quiet"});
    harness::Child second({PROGRAM, "--server", nats.url(), "--quiet"});
    aegis::Client client(aegis::connect_nats(nats.url(), "{{name}}-test"));
    aegis::Json reply;
    REQUIRE(harness::eventually([&] {
        reply = aegis::unwrap_exclusive(client.call("{{name}}", "process", {{"item", 1}}));
        return reply.contains("leader");
    }));
    CHECK(reply["item"] == 1);
    auto again = aegis::unwrap_exclusive(client.call("{{name}}", "process", {{"item", 2}}));
    CHECK(again["leader"] == reply["leader"]);
}
