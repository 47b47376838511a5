// Starts a real nats-server and the service, and calls it as any client would.
#include <aegis/aegis.hpp>
#include <catch2/catch.hpp>

#include "harness.hpp"

TEST_CASE("{{name}} answers echo and add") {
    if (!harness::on_path("nats-server")) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    harness::NatsServer nats;
    harness::Child service({PROGRAM, "--server", nats.url(), "--quiet"});
    aegis::Client client(aegis::connect_nats(nats.url(), "{{name}}-test"));
    aegis::Json reply;
    REQUIRE(harness::eventually([&] {
        reply = client.call("{{name}}", "echo", {{"message", "hello"}});
        return true;
    }));
    CHECK(reply["echo"] == "hello");
    CHECK(client.call("{{name}}", "add", {{"a", 2}, {"b", 3}})["sum"] == 5.0);
}
