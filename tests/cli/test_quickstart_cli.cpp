// aegis quickstart as a user meets it: the template list, a project written (and what is in it),
// the refusals (a non-empty directory: 73, a bad name: 2), and the questions on a terminal.
// Building and running each template is tests/sdk/quickstart_template.sh.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pty.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::run_aegis;

namespace fs = std::filesystem;

TEST_CASE("quickstart --list names every template on one line each") {
    auto r = run_aegis({"quickstart", "--list"});
    REQUIRE(r.exit_code == 0);
    for (const char* t : {"service ", "single-active ", "events ", "client "})
        CHECK(contains(r.out, t));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 4);
    auto j = run_aegis({"quickstart", "--list", "--json"});
    REQUIRE(j.exit_code == 0);
    CHECK(Json::parse(j.out).size() == 4);
}

TEST_CASE("quickstart writes a project for the installed SDK and prints the next commands") {
    test::TempDir tmp;
    auto dir = (fs::path(tmp.path()) / "svc").string();
    auto r = run_aegis({"quickstart", "my-svc", "--template", "single-active", "--yes", "--dir",
                        dir, "--nats", "nats://127.0.0.1:4222"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const char* f : {"CMakeLists.txt", "src/main.cpp", "tests/test_service.cpp",
                          "README.md", "Dockerfile", "deploy/kubernetes.yaml", ".gitignore"})
        CHECK(fs::exists(fs::path(dir) / f));
    // The test is a scenario of aegis::testing, not a harness of the project's own.
    CHECK(!fs::exists(fs::path(dir) / "tests/harness.hpp"));
    CHECK(contains(test::read_file(dir + "/tests/test_service.cpp"),
                   "aegis::testing::run_scenario"));
    auto cmake = test::read_file(dir + "/CMakeLists.txt");
    CHECK(contains(cmake, "find_package(aegis REQUIRED)"));
    CHECK(contains(cmake, "aegis::sdk"));
    CHECK(contains(cmake, "aegis::testing"));
    auto main_cpp = test::read_file(dir + "/src/main.cpp");
    CHECK(contains(main_cpp, "quick_setup_single_active(\"my-svc\""));
    CHECK(contains(main_cpp, "exclusive_rpc"));
    CHECK(contains(main_cpp, "on_leadership"));
    // Every placeholder was filled in.
    for (const auto& f : fs::recursive_directory_iterator(dir))
        if (f.is_regular_file())
            for (const char* p : {"{{name}}", "{{run}}", "{{call}}", "{{template}}", "{{summary}}",
                                  "{{replicas}}", "{{nats_url}}"})
                CHECK_FALSE(contains(test::read_file(f.path().string()), p));
    auto k8s = test::read_file(dir + "/deploy/kubernetes.yaml");
    CHECK(contains(k8s, "namespace: aegis-trader"));
    CHECK(contains(k8s, "nats://aegis-trader-nats:4222"));
    // The next three commands: build, run (with the --nats URL), call.
    CHECK(contains(r.out, "cmake -B build && cmake --build build"));
    CHECK(contains(r.out, "./build/my-svc --server nats://127.0.0.1:4222"));
    CHECK(contains(r.out, "aegis call my-svc process item=42"));
    CHECK(contains(test::read_file(dir + "/README.md"), "aegis call my-svc process item=42"));
}

TEST_CASE("quickstart refuses a non-empty directory (73) and a bad name (2), writing nothing") {
    test::TempDir tmp;
    std::ofstream(fs::path(tmp.path()) / "keep.txt") << "mine\n";
    auto r = run_aegis({"quickstart", "my-svc", "--yes", "--dir", tmp.path()});
    CHECK(r.exit_code == 73);
    CHECK(contains(r.err, "exists and is not empty: nothing was written"));
    CHECK_FALSE(fs::exists(fs::path(tmp.path()) / "CMakeLists.txt"));

    auto x = (fs::path(tmp.path()) / "x").string();
    auto bad = run_aegis({"quickstart", "My_Svc", "--yes", "--dir", x});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "service name 'My_Svc'"));
    CHECK_FALSE(fs::exists(fs::path(tmp.path()) / "x"));

    auto tpl = run_aegis({"quickstart", "my-svc", "--template", "nosuch", "--yes"});
    CHECK(tpl.exit_code == 2);
    auto none = run_aegis({"quickstart", "--yes"});
    CHECK(none.exit_code == 2);
    CHECK(contains(none.err, "name the service"));
}

TEST_CASE("quickstart on a terminal asks for the name, template and NATS URL") {
    test::TempDir tmp;
    auto dir = (fs::path(tmp.path()) / "asked").string();
    test::Pty pty({"quickstart", "--dir", dir}, {{"NO_COLOR", "1"}});
    REQUIRE(pty.expect("service name [my-service]: "));
    pty.type("asked-svc\r");
    REQUIRE(pty.expect("(RPC calls)? y/n [n]: "));
    pty.type("\r");
    REQUIRE(pty.expect("was processed)? y/n [n]: "));
    pty.type("y\r");
    REQUIRE(pty.expect("→ events: it reacts to facts"));
    REQUIRE(pty.expect("template (service, single-active, events, client) [events]: "));
    pty.type("\r");
    REQUIRE(pty.expect("NATS URL"));
    pty.type("\r");
    CHECK(pty.wait_exit(10s) == 0);
    CHECK(contains(pty.output(), "aegis call asked-svc stats"));
    CHECK(contains(test::read_file(dir + "/src/main.cpp"), "EventMode::compete"));
}

TEST_CASE("quickstart on a terminal checks each answer as it is given and asks again") {
    test::TempDir tmp;
    auto dir = (fs::path(tmp.path()) / "checked").string();
    test::Pty pty({"quickstart", "--dir", dir}, {{"NO_COLOR", "1"}});
    REQUIRE(pty.expect("service name [my-service]: "));
    pty.type("Bad_Name\r");
    REQUIRE(pty.expect("service name 'Bad_Name'"));  // the rule, at once
    REQUIRE(pty.expect("service name [my-service]: "));
    pty.type("ledger\r");
    REQUIRE(pty.expect("(RPC calls)? y/n [n]: "));
    pty.type("maybe\r");
    REQUIRE(pty.expect("answer y or n"));
    REQUIRE(pty.expect("(RPC calls)? y/n [n]: "));
    pty.type("y\r");
    REQUIRE(pty.expect("must not run twice)? y/n [n]: "));
    pty.type("y\r");
    REQUIRE(pty.expect("→ single-active: one instance at a time"));
    REQUIRE(pty.expect("[single-active]: "));
    pty.type("singel-active\r");
    REQUIRE(pty.expect("unknown template 'singel-active'"));
    REQUIRE(pty.expect("[single-active]: "));
    pty.type("\r");
    REQUIRE(pty.expect("NATS URL"));
    pty.type("\r");
    CHECK(pty.wait_exit(10s) == 0);
    CHECK(contains(test::read_file(dir + "/src/main.cpp"), "quick_setup_single_active"));
}

TEST_CASE("quickstart --nats never writes credentials and quotes what it writes") {
    test::TempDir tmp;
    auto dir = (fs::path(tmp.path()) / "cred").string();
    auto r = run_aegis({"quickstart", "my-svc", "--yes", "--dir", dir, "--nats",
                        "nats://alice:s3cret@127.0.0.1:4222,nats://tok3n@127.0.0.1:4223"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, "credentials in --nats were not written"));
    for (const auto& f : fs::recursive_directory_iterator(dir)) {
        if (!f.is_regular_file()) continue;
        auto text = test::read_file(f.path().string());
        CHECK_FALSE(contains(text, "s3cret"));
        CHECK_FALSE(contains(text, "alice"));
        CHECK_FALSE(contains(text, "tok3n"));
    }
    CHECK_FALSE(contains(r.out, "s3cret"));
    auto readme = test::read_file(dir + "/README.md");
    CHECK(contains(readme, "./build/my-svc --server nats://127.0.0.1:4222,nats://127.0.0.1:4223 &"));

    // Shell syntax in the URL is quoted: pasting the run line runs nothing of it.
    auto odd = (fs::path(tmp.path()) / "odd").string();
    auto q = run_aegis({"quickstart", "my-svc", "--yes", "--dir", odd, "--nats",
                        "nats://127.0.0.1:4222/$(touch${IFS}pwned);`id`"});
    INFO(q.err);
    REQUIRE(q.exit_code == 0);
    auto run_line = test::read_file(odd + "/README.md");
    CHECK(contains(run_line,
                   "--server 'nats://127.0.0.1:4222/$(touch${IFS}pwned);`id`' &"));
    // The README's run line, as a shell reads it (printf in place of the program).
    auto at = run_line.find("--server ");
    auto words = run_line.substr(at, run_line.find(" &", at) - at);
    auto echoed = test::run_program({"sh", "-c", "cd \"$0\" && printf '%s\\n' " + words,
                                     tmp.path()});
    CHECK(echoed.out == "--server\nnats://127.0.0.1:4222/$(touch${IFS}pwned);`id`\n");
    CHECK_FALSE(fs::exists(fs::path(tmp.path()) / "pwned"));

    // A newline (or any control character) is no URL: refused, nothing written.
    auto nl = (fs::path(tmp.path()) / "nl").string();
    auto bad = run_aegis({"quickstart", "my-svc", "--yes", "--dir", nl, "--nats",
                          "nats://127.0.0.1:4222\nrm -rf ~"});
    CHECK(bad.exit_code == 2);
    CHECK(contains(bad.err, "--nats"));
    CHECK_FALSE(fs::exists(nl));
}

TEST_CASE("quickstart on a full disk leaves nothing half-written, exits 74, and can be rerun") {
    test::TempDir tmp;
    auto dir = (fs::path(tmp.path()) / "full").string();
    // A file size limit of one 512-byte block plays the full disk: writes past it fail (EFBIG).
    auto r = test::run_program({"sh", "-c", "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\"",
                                test::aegis_binary(), "quickstart", "my-svc", "--yes", "--dir",
                                dir});
    INFO(r.err);
    CHECK(r.exit_code == 74);
    CHECK(contains(r.err, "aegis: error: cannot write"));
    CHECK_FALSE(fs::exists(dir));
    for (const auto& e : fs::directory_iterator(tmp.path())) FAIL("left behind: " << e.path());
    auto again = run_aegis({"quickstart", "my-svc", "--yes", "--dir", dir});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(fs::exists(fs::path(dir) / "CMakeLists.txt"));
    CHECK(fs::exists(fs::path(dir) / "src/main.cpp"));
}
