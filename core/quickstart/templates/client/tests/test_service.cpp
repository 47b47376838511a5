// A small echo-service in this test, on a nats-server of the test's own (aegis::testing), then
// the client program against them: it must say what it found and what echo-service answered.
#include <aegis/aegis.hpp>
#include <aegis/testing.hpp>
#include <string>
#include <catch2/catch.hpp>

#include <cstdio>

TEST_CASE("{{name}} discovers and calls echo-service") {
    if (!aegis::testing::LocalNats::available()) {
        WARN("nats-server is not on PATH: skipped");
        return;
    }
    aegis::testing::LocalNats nats;
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
