// Every command and every demo has its documentation: docs/commands/<name>.md opens with
// "# aegis <name>", and each demo is shown as `aegis demo <name>` somewhere in docs/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/helpers.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::run_aegis;

namespace {

namespace fs = std::filesystem;

const fs::path k_docs = fs::path(AEGIS_SOURCE_DIR) / "docs";

}  // namespace

TEST_CASE("docs: every command has a page in docs/commands") {
    std::vector<std::string> names;  // the top-level rows of the command table
    for (const auto& path : aegis::test::aegis_commands())
        if (path.size() == 1) names.push_back(path[0]);
    REQUIRE(names.size() >= 12);
    std::string headings;
    for (const auto& e : fs::directory_iterator(k_docs / "commands")) {
        std::string text = aegis::test::read_file(e.path());
        headings += text.substr(0, text.find('\n')) + "\n";
    }
    for (const auto& name : names) {
        INFO(name);
        CHECK(aegis::test::contains(headings, "aegis " + name));
    }
}

TEST_CASE("docs: every demo is shown in the docs") {
    auto list = run_aegis({"demo", "--json"});
    REQUIRE(list.exit_code == 0);
    auto demos = aegis::Json::parse(list.out);
    REQUIRE(demos.size() >= 13);
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(k_docs))
        if (e.path().extension() == ".md") all += aegis::test::read_file(e.path());
    all += aegis::test::read_file(fs::path(AEGIS_SOURCE_DIR) / "README.md");
    for (const auto& d : demos) {
        std::string name = d.at("name");
        INFO(name);
        CHECK(aegis::test::contains(all, "aegis demo " + name));
    }
}
