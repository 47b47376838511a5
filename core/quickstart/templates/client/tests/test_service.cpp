// Starts a real nats-server and a small echo-service, then runs the client against them.
#include <aegis/aegis.hpp>
#include <string>
#include <catch2/catch.hpp>

#include <cstdio>

#include "harness.hpp"

TEST_CASE("{{name}} discovers and calls echo-service") {
    if (!harness::on_path("nats-server")) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    harness::NatsServer nats;
    aegis::QuickOptions options;
    options.server = nats.url();
    auto echo = aegis::quick_setup("echo-service", options);
    echo.rpc("echo", [](const aegis::Json& p) { return aegis::Json{{"echo", p["message"]}}; });
    echo.start();
    std::string command = std::string(PROGRAM) + " --quiet --server " + nats.url();
    FILE* out = ::popen(command.c_str(), "r");
    REQUIRE(out);
    std::string text;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, out)) text.append(buf, n);
    CHECK(::pclose(out) == 0);
    CHECK(text.find("found echo-service") != std::string::npos);
    CHECK(text.find("hello from {{name}}") != std::string::npos);
    echo.stop();
}
