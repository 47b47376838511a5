// Every command and every demo has its documentation: docs/commands/<name>.md opens with
// "# aegis <name>", and each demo is shown as `aegis demo <name>` somewhere in docs/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/util/text.hpp"
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

namespace {

// The exit codes aegis uses (exit_code.hpp); a number in prose that is not one is not a code.
const std::set<int> k_codes = {0, 1, 2, 65, 66, 69, 70, 73, 74, 75, 77, 78, 130};

// The codes a text names: each known code standing alone as a number ("0.001" is not "0").
std::set<int> codes_in(const std::string& text) {
    std::set<int> out;
    static const std::regex number(R"((^|[^0-9.])([0-9]{1,3})(?![0-9.]*[0-9]))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), number);
         it != std::sregex_iterator(); ++it) {
        int n = std::stoi((*it)[2]);
        if (k_codes.count(n)) out.insert(n);
    }
    return out;
}

// The paragraph of a docs page that starts at "Exit codes" (prose or a heading; not inside an
// example's fenced block), to a blank line.
std::string exit_paragraph(const std::string& page) {
    bool fenced = false;
    std::string out;
    for (const auto& line : aegis::test::lines_of(page)) {
        if (line.rfind("```", 0) == 0) fenced = !fenced;
        if (fenced) continue;
        if (out.empty()) {
            size_t at = line.find("Exit codes");
            if (at != std::string::npos) out = line.substr(at + 10) + "\n";
        } else if (line.empty() && out != "\n") {
            break;
        } else {
            out += line + "\n";
        }
    }
    return out;
}

}  // namespace

// `aegis help CMD` lists the command's exit codes; docs/commands/CMD.md names the same codes.
// A code added on one side only fails here.
TEST_CASE("docs: each command's exit codes in its help and on its page agree") {
    for (const auto& path : aegis::test::aegis_commands()) {
        if (path.size() != 1) continue;
        std::string name = path[0];
        INFO(name);
        auto help = run_aegis({"help", name});
        REQUIRE(help.exit_code == 0);
        size_t at = help.out.find("\nExit codes:\n");
        REQUIRE(at != std::string::npos);
        std::string listed = help.out.substr(at, help.out.find("\n\n", at + 1) - at);
        std::set<int> in_help;
        for (const auto& line : aegis::util::split(listed, '\n'))
            if (line.rfind("  ", 0) == 0) in_help.insert(std::stoi(line.substr(2)));
        std::string page_name = name == "down" ? "up" : name;
        std::string page = aegis::test::read_file(k_docs / "commands" / (page_name + ".md"));
        if (name == "down") page = page.substr(page.find("Exit codes of `aegis down`"));
        std::string paragraph = exit_paragraph(page);
        INFO(paragraph);
        CHECK(in_help.count(0) == 1);
        CHECK(codes_in(paragraph) == in_help);
    }
}

TEST_CASE("docs: the man page has each command's examples and exit codes, and SEE ALSO") {
    auto man = run_aegis({"completion", "--man"});
    REQUIRE(man.exit_code == 0);
    for (const char* section : {".SH EXAMPLES", ".SH EXIT STATUS", ".SH SEE ALSO"})
        CHECK(aegis::test::contains(man.out, section));
    for (const auto& path : aegis::test::aegis_commands()) {
        if (path.size() != 1) continue;
        INFO(path[0]);
        auto help = run_aegis({"help", path[0]});
        size_t at = help.out.find("\nExamples:\n");
        REQUIRE(at != std::string::npos);
        std::string first = help.out.substr(at + 13, help.out.find('\n', at + 13) - at - 13);
        std::string escaped;
        for (char c : first) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
        CHECK(aegis::test::contains(man.out, escaped + "\n"));  // an example, as troff text
        CHECK(aegis::test::contains(man.out, ".SS aegis " + path[0] + "\n"));
    }
    CHECK(aegis::test::contains(man.out, "Exit status:\n.RS\n.nf\n0 ok\n1 the service answered"));
}
