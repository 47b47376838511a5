// aegis::quick_setup(name, argc, argv) behaves like an aegis command: --help, a start line, usage
// errors (2), one-line errors with the documented codes (69, 78) instead of an uncaught exception.
// Driven through tests/sdk/quick_program.cpp, a program that links aegis::sdk alone.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <thread>
#include <fstream>

#include "core/client/client.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::run_program;

namespace {

const std::string k_program = AEGIS_QUICK_PROGRAM;

// No config file, no environment URL and no Kubernetes: only what the test passes.
const test::Env k_clean = {{"AEGIS_NATS_URL", ""}, {"NATS_URL", ""}, {"AEGIS_CONFIG", ""},
                           {"KUBECONFIG", "/nonexistent"}, {"XDG_CONFIG_HOME", "/nonexistent"}};

}  // namespace

TEST_CASE("quick_setup: --help prints the options and exits 0 without connecting") {
    auto r = run_program({k_program, "--help"}, k_clean, {}, 10s);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "usage: aegis_quick_program [options]"));
    CHECK(contains(r.out, "--server URL"));
    CHECK(contains(r.out, "exit codes:"));
    CHECK(r.err.empty());
}

TEST_CASE("quick_setup: an unknown option or a missing value is a usage error (exit 2)") {
    auto r = run_program({k_program, "--bogus"}, k_clean, {}, 10s);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "aegis_quick_program: error: unknown option '--bogus' "
                   "(see 'aegis_quick_program --help')\n");
    auto m = run_program({k_program, "--server"}, k_clean, {}, 10s);
    CHECK(m.exit_code == 2);
    CHECK(contains(m.err, "option '--server' needs a value"));
    auto p = run_program({k_program, "extra"}, k_clean, {}, 10s);
    CHECK(p.exit_code == 2);
    CHECK(contains(p.err, "unexpected argument 'extra'"));
}

TEST_CASE("quick_setup: an unreachable server is one error line and exit 69, not a crash") {
    auto r = run_program({k_program, "--server", "nats://127.0.0.1:1"}, k_clean, {}, 20s);
    CHECK(r.exit_code == 69);
    CHECK(contains(r.err, "aegis_quick_program: error: "));
    CHECK_FALSE(contains(r.err, "terminate called"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("quick_setup: a bad config file is exit 78, a missing one 66") {
    auto dir = std::filesystem::temp_directory_path() / ("quick-setup-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto bad = (dir / "bad.yaml").string();
    std::ofstream(bad) << "nats_url: [unclosed\n";
    auto r = run_program({k_program, "--config", bad}, k_clean, {}, 10s);
    CHECK(r.exit_code == 78);
    CHECK(contains(r.err, "aegis_quick_program: error: "));
    CHECK_FALSE(contains(r.err, "terminate called"));
    auto missing = run_program({k_program, "--config", (dir / "none.yaml").string()}, k_clean, {},
                               10s);
    CHECK(missing.exit_code == 66);
    std::filesystem::remove_all(dir);
}

TEST_CASE("quick_setup: the start line names service, instance and NATS, never credentials") {
    test::NatsServer server;
    std::string url = server.url();
    std::string with_creds = "nats://someone:s3cret-pass@" + url.substr(url.find("//") + 2);
    // It serves until killed: the run ends at the timeout, after the call below was answered.
    std::thread call([&] {
        Client client(server.connect("quick-setup-test"));
        test::eventually([&] {
            try {
                return client.call("quick-program", "ping", Json::object())["pong"] == true;
            } catch (const std::exception&) {
                return false;
            }
        });
    });
    auto r = run_program({k_program, "--server", with_creds, "--instance-id", "quick-program-t1"},
                         k_clean, {}, 3s);
    call.join();
    INFO(r.err);
    CHECK(contains(r.err, "quick-program: instance quick-program-t1 connected to NATS "));
    CHECK(contains(r.err, "127.0.0.1:" + std::to_string(server.port())));
    CHECK_FALSE(contains(r.err, "s3cret-pass"));
}

namespace {

// Runs the program (until `timeout`) while a client calls SERVICE.ping; true when it answered.
bool answers_as(test::NatsServer& server, const std::string& service,
                const std::vector<std::string>& args, const test::Env& env,
                test::ProcessResult& r) {
    std::atomic<bool> answered{false};
    std::thread call([&] {
        Client client(server.connect("quick-setup-test"));
        answered = test::eventually([&] {
            try {
                return client.call(service, "ping", Json::object())["pong"] == true;
            } catch (const std::exception&) {
                return false;
            }
        });
    });
    std::vector<std::string> argv = {k_program, "--server", server.url()};
    argv.insert(argv.end(), args.begin(), args.end());
    r = run_program(argv, env, {}, 3s);
    call.join();
    return answered;
}

}  // namespace

TEST_CASE("quick_setup: the name and instance id come from AEGIS_SERVICE_NAME, AEGIS_INSTANCE_ID") {
    test::NatsServer server;
    auto env = k_clean;
    env.insert(env.end(), {{"AEGIS_SERVICE_NAME", "quick-renamed"},
                           {"AEGIS_INSTANCE_ID", "quick-renamed-env1"}});
    test::ProcessResult r;
    CHECK(answers_as(server, "quick-renamed", {}, env, r));
    INFO(r.err);
    CHECK(contains(r.err, "quick-renamed: instance quick-renamed-env1 connected to NATS "));
}

TEST_CASE("quick_setup: --service and --instance-id win over the environment") {
    test::NatsServer server;
    auto env = k_clean;
    env.insert(env.end(), {{"AEGIS_SERVICE_NAME", "quick-renamed"},
                           {"AEGIS_INSTANCE_ID", "quick-renamed-env1"}});
    test::ProcessResult r;
    CHECK(answers_as(server, "quick-flag", {"--service", "quick-flag", "--instance-id", "qf-1"},
                     env, r));
    INFO(r.err);
    CHECK(contains(r.err, "quick-flag: instance qf-1 connected to NATS "));
    auto help = run_program({k_program, "--help"}, k_clean, {}, 10s);
    CHECK(contains(help.out, "--service NAME"));
    CHECK(contains(help.out, "$AEGIS_INSTANCE_ID"));
    auto bad = run_program({k_program, "--service", "a.b"}, k_clean, {}, 10s);
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "aegis_quick_program: error: service name 'a.b' is invalid"));
}
