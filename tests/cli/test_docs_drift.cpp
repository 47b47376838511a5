// The docs against the binary: every `$ aegis ...` line shown in docs/ and the README must still
// parse (a renamed command or option fails here), a usage error the docs show must still read the
// same, and the output the docs show for commands that need nothing running (help, --list) must
// be what the binary prints now.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;

namespace {

namespace fs = std::filesystem;

struct Shown {
    std::string where;                // docs/commands/call.md:49
    std::string line;                 // the command, without "$ "
    std::vector<std::string> output;  // the lines after it, up to the next prompt or fence
};

// What a terminal showed, from an asciinema v2 cast: the output events' text, with "\r\n" line
// ends as plain lines, inside one fenced block (so it reads like a Markdown example).
std::string cast_text(const fs::path& file) {
    std::string text = "```\n";
    auto lines = aegis::test::lines_of(aegis::test::read_file(file.string()));
    for (size_t i = 1; i < lines.size(); ++i) {  // line 0 is the header
        if (lines[i].empty()) continue;
        auto event = aegis::Json::parse(lines[i]);
        if (event.at(1) == "o") text += event.at(2).get<std::string>();
    }
    std::string plain;
    for (size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) plain += text[i];
    return plain + "\n```\n";
}

// The aegis command lines in the fenced blocks of one Markdown file or recording.
std::vector<Shown> shown_in(const fs::path& file, const std::string& name) {
    std::vector<Shown> out;
    auto lines = aegis::test::lines_of(file.extension() == ".cast"
                                           ? cast_text(file)
                                           : aegis::test::read_file(file.string()));
    bool fenced = false;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("```", 0) == 0) fenced = !fenced;
        if (!fenced || lines[i].rfind("$ aegis ", 0) != 0) continue;
        Shown s{name + ":" + std::to_string(i + 1), lines[i].substr(2), {}};
        for (size_t j = i + 1; j < lines.size(); ++j) {
            if (lines[j].rfind("$ ", 0) == 0 || lines[j].rfind("```", 0) == 0) break;
            s.output.push_back(lines[j]);
        }
        while (!s.output.empty() && s.output.back().empty()) s.output.pop_back();
        out.push_back(std::move(s));
    }
    return out;
}

std::vector<Shown> all_shown() {
    const fs::path root = AEGIS_SOURCE_DIR;
    std::vector<Shown> out;
    auto add = [&](const fs::path& p) {
        for (auto& s : shown_in(p, fs::relative(p, root).string())) out.push_back(std::move(s));
    };
    add(root / "README.md");
    for (const auto& e : fs::recursive_directory_iterator(root / "docs"))
        if (e.path().extension() == ".md" || e.path().extension() == ".cast") add(e.path());
    return out;
}

// What the shell would do first (a substitution, a continued line, a completion typed with
// <Tab>) is not ours to check.
bool shell_shaped(const std::string& line) {
    return contains(line, "$(") || contains(line, "`") || contains(line, "<(") ||
           contains(line, "<Tab>") ||
           (!line.empty() && line.back() == '\\');
}

// Needs nothing running and prints the same every time: its output can be compared.
bool offline(const Shown& s, const std::vector<std::string>& words) {
    if (contains(s.line, "|") || contains(s.line, ">") || contains(s.line, ";")) return false;
    if (words.empty()) return false;
    bool help = words[0] == "help" || words.back() == "--help";
    bool list = words.size() == 2 && words[1] == "--list";
    return help || list;
}

std::vector<std::string> printed(const aegis::test::ProcessResult& r) {
    auto lines = aegis::test::lines_of(r.out + r.err);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

}  // namespace

TEST_CASE("docs: every aegis command line the docs show still parses") {
    auto shown = all_shown();
    REQUIRE(shown.size() >= 150);
    size_t checked = 0;
    for (const auto& s : shown) {
        if (shell_shaped(s.line)) continue;
        auto words = aegis::test::aegis_words(s.line);
        INFO(s.where << ": $ " << s.line);
        words.insert(words.begin(), "--parse-only");
        auto r = run_aegis(words);
        ++checked;
        if (r.exit_code == 0) continue;
        // A usage error the docs show on purpose: it must still be that error, word for word.
        REQUIRE_FALSE(s.output.empty());
        CHECK(r.exit_code == 2);
        CHECK(aegis::test::lines_of(r.err).at(0) == s.output.at(0));
    }
    CHECK(checked >= 150);
}

// The recording of the quickstart shows what `aegis quickstart` writes: the same files now.
TEST_CASE("docs: the quickstart recording shows what aegis quickstart prints now") {
    aegis::test::TempDir dir;
    size_t compared = 0;
    for (const auto& s : all_shown()) {
        auto words = aegis::test::aegis_words(s.line);
        if (s.where.find(".cast:") == std::string::npos || words.empty() ||
            words[0] != "quickstart")
            continue;
        INFO(s.where << ": $ " << s.line);
        std::vector<std::string> argv{"env", "--chdir=" + dir.path(), aegis::test::aegis_binary()};
        argv.insert(argv.end(), words.begin(), words.end());
        CHECK(printed(aegis::test::run_program(argv)) == s.output);
        ++compared;
    }
    CHECK(compared == 1);
}

TEST_CASE("docs: help and --list output shown in the docs is what aegis prints now") {
    size_t compared = 0;
    for (const auto& s : all_shown()) {
        auto words = aegis::test::aegis_words(s.line);
        if (shell_shaped(s.line) || !offline(s, words) || s.output.empty()) continue;
        INFO(s.where << ": $ " << s.line);
        CHECK(printed(run_aegis(words)) == s.output);
        ++compared;
    }
    CHECK(compared >= 3);
}
