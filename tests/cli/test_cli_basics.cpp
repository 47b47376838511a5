// Driving the built binary: help everywhere, usage errors exit 2, a dead server exits 69 fast.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/util/net.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::run_aegis;

namespace {
// Every command path, read from the binary's command table (`aegis help --commands`).
const std::vector<std::vector<std::string>>& commands() {
    static const auto all = aegis::test::aegis_commands();
    return all;
}
}  // namespace

TEST_CASE("aegis help --commands lists the command table, nested commands included") {
    const auto& all = commands();
    REQUIRE(all.size() >= 30);
    auto has = [&](std::vector<std::string> p) {
        return std::find(all.begin(), all.end(), p) != all.end();
    };
    CHECK(has({"call"}));
    CHECK(has({"demo", "echo"}));
    CHECK(has({"events", "tail"}));
    CHECK(has({"help"}));
    auto j = nlohmann::json::parse(run_aegis({"help", "--commands", "--json"}).out);
    REQUIRE(j.size() == all.size());
    CHECK(j.at(0).at("summary").get<std::string>().size() > 10);
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
    for (auto& c : commands()) CHECK(r.out.find(c[0]) != std::string::npos);
    CHECK(r.out.find("--server") != std::string::npos);
}

TEST_CASE("every command answers --help with exit 0 and its usage") {
    for (auto args : commands()) {
        args.push_back("--help");
        auto r = run_aegis(args);
        INFO("aegis " << args[0] << (args.size() > 2 ? " " + args[1] : ""));
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("Usage") != std::string::npos);
        CHECK(r.err.empty());
    }
}

TEST_CASE("an unknown flag is a usage error with exit 2 and one line on stderr") {
    for (auto args : commands()) {
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
    auto list = run_aegis({"demo", "--list"});  // as test --list and quickstart --list
    CHECK(list.exit_code == 0);
    CHECK(list.out == r.out);
    CHECK(run_aegis({"demo", "--list", "--json"}).out == run_aegis({"demo", "--json"}).out);
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

TEST_CASE("every command's --help shows its table summary, examples and the global options") {
    auto table = nlohmann::json::parse(run_aegis({"help", "--commands", "--json"}).out);
    for (const auto& row : table) {
        std::string path = row.at("command");
        std::vector<std::string> args;
        for (size_t at = 0, sp; at <= path.size(); at = sp + 1) {
            sp = std::min(path.find(' ', at), path.size());
            args.push_back(path.substr(at, sp - at));
        }
        args.push_back("--help");
        auto r = run_aegis(args);
        INFO("aegis " << path);
        CHECK(r.out.find(row.at("summary").get<std::string>()) != std::string::npos);
        CHECK(r.out.find("Examples:\n  ") != std::string::npos);
        CHECK(r.out.find("Global options") != std::string::npos);
        CHECK(r.out.find("--json") != std::string::npos);
    }
}

TEST_CASE("aegis help CMD prints the command's --help") {
    auto direct = run_aegis({"demo", "echo", "--help"});
    auto help = run_aegis({"help", "demo", "echo"});
    CHECK(help.exit_code == 0);
    CHECK(help.out == direct.out);
    CHECK(help.out.find("Usage: aegis demo echo") != std::string::npos);
    auto top = run_aegis({"help", "call"});
    CHECK(top.out.find("Usage: aegis call") != std::string::npos);
    auto bad = run_aegis({"help", "cal"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("did you mean 'call'?") != std::string::npos);
}

TEST_CASE("a mistyped command suggests the nearest one") {
    auto r = run_aegis({"cal", "echo-service", "echo"});
    CHECK(r.exit_code == 2);
    CHECK(r.err == "aegis: error: unknown command 'cal' for 'aegis' (did you mean 'call'?)\n");
    auto demo = run_aegis({"demo", "ecoh"});
    CHECK(demo.exit_code == 2);
    CHECK(demo.err.find("did you mean 'echo'?") != std::string::npos);
    auto far = run_aegis({"zzzzzz"});
    CHECK(far.exit_code == 2);
    CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE("a command group named alone lists its subcommands") {
    for (std::string group : {"config", "events", "command"}) {
        auto r = run_aegis({group});
        INFO(group);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out.find("Usage: aegis " + group) != std::string::npos);
        CHECK(!aegis::test::help_subcommands(r.out).empty());
    }
}

TEST_CASE("under --json an error is one JSON object on stderr") {
    int port = aegis::util::free_port();
    auto r = run_aegis({"call", "echo-service", "echo", "--json", "--server",
                        "nats://127.0.0.1:" + std::to_string(port)});
    CHECK(r.exit_code == 69);
    CHECK(r.out.empty());
    auto j = nlohmann::json::parse(r.err);
    CHECK(j.at("error").at("code") == 69);
    CHECK(j.at("error").at("message").get<std::string>().find("cannot connect") !=
          std::string::npos);
    auto usage = run_aegis({"call", "--json", "--no-such-flag"});
    CHECK(usage.exit_code == 2);
    CHECK(nlohmann::json::parse(usage.err).at("error").at("code") == 2);
}

TEST_CASE("busybox applets: aegis-<command> runs 'aegis <command>', help included") {
    std::string dir = std::string(AEGIS_BINARY).substr(0, std::string(AEGIS_BINARY).rfind('/'));
    for (const char* applet : {"quickstart", "test", "monitor", "call", "explore", "failover",
                               "load", "validate"}) {
        INFO(applet);
        auto help = aegis::test::run_program({dir + "/aegis-" + applet, "--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.out.find(std::string("aegis ") + applet + " [OPTIONS]") != std::string::npos);
    }
    auto list = aegis::test::run_program({dir + "/aegis-test", "--list"});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("sticky-active") != std::string::npos);
    // Its errors are those of the command.
    auto bad = aegis::test::run_program({dir + "/aegis-call", "--cout", "3"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == run_aegis({"call", "--cout", "3"}).err);
    // A link that names no command (a renamed binary) is plain aegis.
    aegis::test::TempDir tmp;
    std::string renamed = tmp.path() + "/aegis-1.0";
    REQUIRE(aegis::test::run_program({"ln", "-s", AEGIS_BINARY, renamed}).exit_code == 0);
    auto plain = aegis::test::run_program({renamed, "--version"});
    CHECK(plain.exit_code == 0);
    CHECK(plain.out.rfind("aegis ", 0) == 0);
}

TEST_CASE("parser errors speak like the rest of aegis and point at the command's help") {
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"call", "--cout", "3"}, "unknown option '--cout' (did you mean '--count'?)"},
        {{"call", "s", "m", "-n", "2", "-n", "3"}, "'--count' was given 2 times; give it once"},
        {{"call", "s", "m", "--format", "xml"}, "'--format' takes one of msgpack|json, not 'xml'"},
        {{"load", "s", "m", "--max-error-rate", "2"},
         "'--max-error-rate' takes a value from 0 to 1, not 2"},
        {{"call", "s", "m", "-n", "abc"}, "'--count' takes a number, not 'abc'"},
        {{"explore", "--wath"}, "unknown option '--wath' (did you mean '--watch'?)"},
        {{"demo", "echo", "extra"}, "unexpected argument 'extra'"},
    };
    for (const auto& c : cases) {
        auto r = run_aegis(c.args);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        std::string path = "aegis " + c.args[0] + (c.args[0] == "demo" ? " echo" : "");
        CHECK(r.err == "aegis: error: " + c.message + " (see '" + path + " --help')\n");
    }
}

TEST_CASE("help shows value words, never the parser's types") {
    for (auto args : commands()) {
        args.push_back("--help");
        auto r = run_aegis(args);
        INFO("aegis " << args[0] << (args.size() > 2 ? " " + args[1] : ""));
        for (const char* type : {"TEXT:{", "FLOAT:", "INT:", " INT ", " UINT ", " FLOAT ",
                                 "REQUIRED", "in ["})
            CHECK(r.out.find(type) == std::string::npos);
    }
    auto load = run_aegis({"load", "--help"});
    CHECK(load.out.find("--format msgpack|json=msgpack") != std::string::npos);
    CHECK(load.out.find("--max-error-rate 0..1") != std::string::npos);
    CHECK(load.out.find("-c,--concurrency N") != std::string::npos);
}

namespace {
}  // namespace

TEST_CASE("every command's --help has one Examples section, and every example parses") {
    size_t checked = 0;
    for (const auto& path : commands()) {
        auto args = path;
        args.push_back("--help");
        auto help = run_aegis(args).out;
        std::string name = "aegis";
        for (const auto& w : path) name += " " + w;
        INFO(name << " --help:\n" << help);
        size_t at = help.find("Examples:\n");
        REQUIRE(at != std::string::npos);
        CHECK(help.find("Examples:", at + 1) == std::string::npos);
        // The indented lines under it, up to the first line that is not.
        size_t pos = at + 10;
        while (help.compare(pos, 2, "  ") == 0) {
            size_t nl = help.find('\n', pos);
            std::string line = help.substr(pos + 2, nl - pos - 2);
            pos = nl + 1;
            INFO("example: " << line);
            REQUIRE(line.find("aegis ") != std::string::npos);
            auto words = aegis::test::aegis_words(line);
            words.insert(words.begin(), "--parse-only");
            auto r = run_aegis(words);
            CHECK(r.exit_code == 0);
            CHECK(r.err.empty());
            CHECK(r.out.empty());
            ++checked;
        }
    }
    CHECK(checked >= commands().size());
}
