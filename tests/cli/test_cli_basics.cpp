// Driving the built binary: help everywhere, usage errors exit 2, a dead server exits 69 fast.
#include <catch2/catch.hpp>

#include "core/util/net.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::run_aegis;

namespace {
const std::vector<std::vector<std::string>> k_commands = {
    {"call"}, {"demo"}, {"demo", "echo"}, {"up"}, {"down"},
    {"failover"}, {"demo", "echo-single"}, {"demo", "order"}, {"demo", "inventory"},
    {"explore"}, {"monitor"},
    {"config"}, {"config", "show"}, {"discover"}, {"validate"},
    {"events"}, {"events", "tail"}, {"events", "publish"}, {"command"}, {"command", "send"},
    {"test"},
    {"demo", "events-pub"}, {"demo", "events-sub"}, {"demo", "metrics"}, {"demo", "health"},
    {"demo", "patterns"}, {"demo", "commands"}, {"demo", "inspector"},
    {"demo", "metrics-reader"}, {"demo", "health-monitor"}, {"completion"},
};
}

TEST_CASE("aegis --version names aegis and nats.c") {
    auto r = run_aegis({"--version"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("aegis ", 0) == 0);
    CHECK(r.out.find("nats.c") != std::string::npos);
}

TEST_CASE("aegis --help lists every command") {
    auto r = run_aegis({"--help"});
    REQUIRE(r.exit_code == 0);
    for (auto& c : k_commands) CHECK(r.out.find(c[0]) != std::string::npos);
    CHECK(r.out.find("--server") != std::string::npos);
}

TEST_CASE("every command answers --help with exit 0 and its usage") {
    for (auto args : k_commands) {
        args.push_back("--help");
        auto r = run_aegis(args);
        INFO("aegis " << args[0] << (args.size() > 2 ? " " + args[1] : ""));
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("Usage") != std::string::npos);
        CHECK(r.err.empty());
    }
}

TEST_CASE("an unknown flag is a usage error with exit 2 and one line on stderr") {
    for (auto args : k_commands) {
        args.push_back("--no-such-flag");
        auto r = run_aegis(args);
        INFO("aegis " << args[0]);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("aegis: error:") != std::string::npos);
        CHECK(r.out.empty());
    }
}

TEST_CASE("global flags work after the subcommand") {
    auto r = run_aegis({"demo", "--json"});
    REQUIRE(r.exit_code == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.is_array());
    CHECK(j.at(0).at("name") == "echo");
}

TEST_CASE("aegis demo lists the demos with one line each") {
    auto r = run_aegis({"demo"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("echo ") != std::string::npos);
    CHECK(r.out.find("load-balanced") != std::string::npos);
}

TEST_CASE("aegis call against a dead server exits 69 within 3 s") {
    int port = aegis::util::free_port();
    auto r = run_aegis({"call", "echo-service", "echo", "message=hi", "--server",
                        "nats://127.0.0.1:" + std::to_string(port)});
    CHECK(r.exit_code == 69);
    CHECK(r.took < std::chrono::seconds(3));
    CHECK(r.err.find("cannot connect to NATS") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("aegis call with malformed params exits 65 or 2 before connecting") {
    int port = aegis::util::free_port();
    std::string server = "nats://127.0.0.1:" + std::to_string(port);
    auto bad_json = run_aegis({"call", "echo-service", "echo", "{\"message\":", "--server", server});
    CHECK(bad_json.exit_code == 65);
    CHECK(bad_json.err.find("not valid JSON") != std::string::npos);
    auto bad_pair = run_aegis({"call", "echo-service", "echo", "novalue", "--server", server});
    CHECK(bad_pair.exit_code == 2);
    auto missing = run_aegis({"call", "echo-service", "echo", "-d", "@/nonexistent/file.json",
                              "--server", server});
    CHECK(missing.exit_code == 66);
}

TEST_CASE("secrets in the server URL are never printed") {
    int port = aegis::util::free_port();
    auto r = run_aegis({"call", "echo-service", "echo", "--server",
                        "nats://alice:s3cr3t-pw@127.0.0.1:" + std::to_string(port)});
    CHECK(r.exit_code == 69);
    CHECK(r.err.find("s3cr3t-pw") == std::string::npos);
    CHECK(r.out.find("s3cr3t-pw") == std::string::npos);
}
