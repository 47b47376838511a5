// Every command and every demo has its documentation: docs/commands/<name>.md opens with
// "# aegis <name>", and each demo is shown as `aegis demo <name>` somewhere in docs/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
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

TEST_CASE("docs: the repository stands alone: every cited docs/protocol.md section exists") {
    std::string protocol = aegis::test::read_file(k_docs / "protocol.md");
    REQUIRE(!protocol.empty());
    std::regex cite(R"(protocol\.md §(\d+(?:\.\d+)?))");
    std::regex design(R"(\bdesign\.md\b)");  // not in the repository
    int cited = 0;
    for (const char* dir : {"core", "commands", "app", "tests", "docs", "bench", "scripts"}) {
        for (const auto& e : fs::recursive_directory_iterator(fs::path(AEGIS_SOURCE_DIR) / dir)) {
            if (!e.is_regular_file() || e.path().filename() == "test_docs.cpp") continue;
            std::string text = aegis::test::read_file(e.path());
            INFO(e.path().string());
            CHECK_FALSE(std::regex_search(text, design));
            for (std::sregex_iterator it(text.begin(), text.end(), cite), end; it != end; ++it) {
                ++cited;
                std::string section = (*it)[1];
                INFO("§" << section);
                bool found = aegis::test::contains(protocol, "\n## " + section + ". ") ||
                             aegis::test::contains(protocol, "\n### " + section + " ");
                CHECK(found);
            }
        }
    }
    CHECK(cited > 30);
    CHECK_FALSE(std::regex_search(aegis::test::read_file(fs::path(AEGIS_SOURCE_DIR) / "README.md"),
                                  design));
}

TEST_CASE("docs: message-flow.md draws the RPC, event modes, election and registry") {
    std::string text = aegis::test::read_file(k_docs / "message-flow.md");
    REQUIRE(!text.empty());
    int diagrams = 0;
    for (std::size_t at = text.find("```mermaid"); at != std::string::npos;
         at = text.find("```mermaid", at + 1))
        ++diagrams;
    CHECK(diagrams >= 5);  // parsed by "docs: every Mermaid diagram parses"
    for (const char* topic : {"queue group rpc.echo-service", "compete", "broadcast", "exclusive",
                              "sticky-active.order-processor.default.leader", "fence_after",
                              "service_registry", "stale-after"}) {
        INFO(topic);
        CHECK(aegis::test::contains(text, topic));
    }
    // Linked from where people look for each picture.
    for (const char* page : {"architecture.md", "events.md", "single-active.md"}) {
        INFO(page);
        CHECK(aegis::test::contains(aegis::test::read_file(k_docs / page), "message-flow.md"));
    }
}
