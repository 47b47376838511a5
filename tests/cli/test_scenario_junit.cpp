// `aegis test --junit FILE` leaves its report whatever happens: a run that cannot start (NATS
// unreachable, an invalid scenario file, a tag nothing has) is one <error> test case naming the
// cause, so a CI job shows why instead of a missing file. A tag that matches no scenario is an
// error, never a run of the others that reports them as all that was asked for.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;
using namespace std::chrono_literals;

namespace {

void check_valid_junit(const std::string& path) {
    if (!aegis::test::on_path("xmllint")) return;
    auto v = aegis::test::run_program(
        {"xmllint", "--noout", "--schema", std::string(AEGIS_TEST_DATA_DIR) + "/junit.xsd", path});
    INFO(v.err);
    CHECK(v.exit_code == 0);
}

}  // namespace

TEST_CASE("test --junit: a run that cannot start still writes the report, naming the cause") {
    aegis::test::TempDir dir;
    std::string xml = dir.path() + "/out.xml";
    // NATS unreachable: exit 69 as before, and the report says why.
    auto r = run_aegis({"test", "connectivity", "--junit", xml, "--server", "nats://127.0.0.1:1"},
                       {}, {}, 30s);
    CHECK(r.exit_code == 69);
    REQUIRE(std::filesystem::exists(xml));
    auto text = aegis::test::read_file(xml);
    INFO(text);
    CHECK(contains(text, "<testsuites name=\"aegis test\" tests=\"1\" failures=\"0\" errors=\"1\""));
    CHECK(contains(text, "<error message=\"cannot connect to NATS at nats://127.0.0.1:1"));
    check_valid_junit(xml);
    // An invalid scenario file: exit 65, the report names file, line and column.
    std::string bad = dir.path() + "/bad.yaml";
    std::ofstream(bad) << "name: x\nsteps:\n  - call: {service: s, method: m, expect: {reslt: 1}}\n";
    std::filesystem::remove(xml);
    r = run_aegis({"test", "-f", bad, "--junit", xml});
    CHECK(r.exit_code == 65);
    text = aegis::test::read_file(xml);
    CHECK(contains(text, "<error message=\"" + bad + ":3:44: &apos;call.expect&apos; has no key "
                         "&apos;reslt&apos; (did you mean &apos;result&apos;?)"));
    check_valid_junit(xml);
}

TEST_CASE("test: a tag no scenario has is an error (exit 2), also next to a name that exists") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir;
    std::string xml = dir.path() + "/out.xml";
    // It ran connectivity and reported "1 passed" as if the tag had been honoured.
    auto r = run_aegis({"test", "connectivity", "--tag", "smok", "--junit", xml, "--server",
                        server.url()}, {}, {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "aegis: error: no scenario is tagged 'smok' (did you mean 'smoke'?)\n");
    CHECK(r.out.empty());
    CHECK(contains(aegis::test::read_file(xml), "no scenario is tagged &apos;smok&apos;"));
    r = run_aegis({"test", "--tag", "smoke", "--tag", "nothing-has-this", "--server", server.url()},
                  {}, {}, 60s);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "no scenario is tagged 'nothing-has-this' (tags: cleanup, commands,"));
}
