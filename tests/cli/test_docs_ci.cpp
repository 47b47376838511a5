// docs/ci.md's CI jobs are run, not just shown: every shell line of its YAML blocks (GitHub's
// `run:`, GitLab's `script:` / `before_script:` entries) runs against the built aegis, except the
// package installs (apt-get) and the checkout, which this test names as skipped.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

size_t indent_of(const std::string& line) {
    size_t n = line.find_first_not_of(' ');
    return n == std::string::npos ? line.size() : n;
}

// The shell lines of the ```yaml blocks of a Markdown text.
std::vector<std::string> ci_shell_lines(const std::string& markdown) {
    static const std::regex run_re(R"(^\s*(- )?run:\s*(.*)$)");
    static const std::regex list_re(R"(^\s*(script|before_script|after_script):\s*$)");
    static const std::regex item_re(R"(^\s*- (.*)$)");
    std::vector<std::string> lines, out;
    std::istringstream in(markdown);
    bool yaml = false;
    for (std::string l; std::getline(in, l);) {
        if (l.rfind("```", 0) == 0) yaml = !yaml && l == "```yaml";
        else if (yaml) lines.push_back(l);
    }
    for (size_t i = 0; i < lines.size(); ++i) {
        std::smatch m;
        if (std::regex_match(lines[i], m, run_re)) {
            if (m[2] != "|") out.push_back(m[2]);
            for (size_t j = i + 1; m[2] == "|" && j < lines.size() &&
                                   indent_of(lines[j]) > indent_of(lines[i]); ++j)
                out.push_back(lines[j].substr(indent_of(lines[j])));
        } else if (std::regex_match(lines[i], m, list_re)) {
            for (size_t j = i + 1; j < lines.size() && indent_of(lines[j]) > indent_of(lines[i]) &&
                                   std::regex_match(lines[j], m, item_re); ++j)
                out.push_back(m[1]);
        }
    }
    return out;
}

bool skipped(const std::string& line) {
    return contains(line, "apt-get") || contains(line, "checkout");
}

}  // namespace

TEST_CASE("docs/ci.md: the CI jobs' shell lines run against the built aegis") {
    auto lines = ci_shell_lines(aegis::test::read_file(aegis::test::source_dir() + "/docs/ci.md"));
    std::vector<std::string> skip;
    std::set<std::string> run;  // both jobs run the same line: once is enough
    for (const auto& l : lines) (skipped(l) ? skip.push_back(l) : void(run.insert(l)));
    // Named: what this test does not run, and why (a package install, a checkout).
    CHECK(skip == std::vector<std::string>{
                      "sudo apt-get update && sudo apt-get install -y nats-server ./aegis_*.deb",
                      "apt-get update && apt-get install -y nats-server ./aegis_*.deb"});
    for (const auto& l : skip) WARN("skipped (installs packages): " << l);
    REQUIRE(run == std::set<std::string>{"aegis test --local --all --junit aegis-junit.xml"});

    aegis::test::TempDir dir;
    std::string path = fs::path(aegis::test::aegis_binary()).parent_path().string() + ":" +
                       std::getenv("PATH");
    aegis::test::Env env{{"PATH", path},
                         {"XDG_CONFIG_HOME", dir.path() + "/config"},
                         {"XDG_STATE_HOME", dir.path() + "/state"},
                         {"AEGIS_CONFIG", ""}, {"AEGIS_CONTEXT", ""}, {"AEGIS_NATS_URL", ""},
                         {"NATS_URL", ""}, {"KUBECONFIG", dir.path() + "/no-kubeconfig"},
                         {"NO_COLOR", "1"}};
    for (const auto& l : run) {
        INFO(l);
        auto r = aegis::test::run_program({"bash", "-c", "cd '" + dir.path() + "' && " + l}, env,
                                          {}, 300s);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(contains(r.out, "0 failed"));
    }
    auto xml = aegis::test::read_file(dir.path() + "/aegis-junit.xml");
    CHECK(contains(xml, "<testsuites"));
    CHECK(contains(xml, "name=\"failover\""));
    CHECK(!contains(xml, "<failure"));
}
