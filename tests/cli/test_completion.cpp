// aegis completion: the scripts are valid and really complete (bash always; zsh and fish when
// installed), the committed copies in completions/ are current, and the hidden name look-ups
// answer from a live registry and stay silent and fast without one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/util/net.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace std::chrono_literals;
using aegis::test::contains;
using aegis::test::run_aegis;
using aegis::test::run_program;

namespace {

// The script `aegis completion SHELL` prints, saved as `dir`/`name`.
std::string save_script(const std::string& shell, const std::string& dir, const std::string& name) {
    auto r = run_aegis({"completion", shell});
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.err.empty());
    std::string path = dir + "/" + name;
    std::ofstream(path) << r.out;
    return path;
}

// Output lines, sorted and joined with single spaces.
std::string sorted_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty()) lines.push_back(l.substr(0, l.find('\t')));  // fish: "name\tdescription"
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += (out.empty() ? "" : " ") + l;
    return out;
}

// Runs the bash script's _aegis with COMP_WORDS = `words` (the last one is being completed), as
// bash would split them; with `line`, COMP_LINE / COMP_POINT are set too (cursor at its end).
std::string bash_complete(const std::string& script, const std::vector<std::string>& words,
                          const std::string& line = {}) {
    std::vector<std::string> argv{
        "bash", "-c",
        "source \"$1\"; shift\n"
        "[[ -n $AEGIS_LINE ]] && COMP_LINE=$AEGIS_LINE COMP_POINT=${#AEGIS_LINE}\n"
        "COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 ))\n"
        "_aegis; printf '%s\\n' \"${COMPREPLY[@]}\"",
        "bash", script};
    argv.insert(argv.end(), words.begin(), words.end());
    auto r = run_program(argv, {{"AEGIS_LINE", line}});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return sorted_lines(r.out);
}

// The command names under "Subcommands:" in `aegis --help`.
std::vector<std::string> help_commands() {
    auto r = run_aegis({"--help"});
    REQUIRE(r.exit_code == 0);
    auto names = aegis::test::help_subcommands(r.out);
    REQUIRE(names.size() >= 13);
    return names;
}

}  // namespace

TEST_CASE("completion: the bash script passes bash -n and completes commands and options") {
    aegis::test::TempDir dir;
    auto script = save_script("bash", dir.path(), "aegis.bash");
    auto syntax = run_program({"bash", "-n", script});
    INFO(syntax.err);
    REQUIRE(syntax.exit_code == 0);

    CHECK(bash_complete(script, {"aegis", "de"}) == "demo");
    CHECK(bash_complete(script, {"aegis", "demo", "ec"}) == "echo echo-single");
    CHECK(bash_complete(script, {"aegis", "call", "--col"}) == "--color");
    CHECK(bash_complete(script, {"aegis", "events", ""}) == "publish tail");
    CHECK(bash_complete(script, {"aegis", "config", "show", "--js"}) == "--json");
    CHECK(bash_complete(script, {"aegis", "demo", "echo", "--instance"}) ==
          "--instance --instance-id");
    CHECK(bash_complete(script, {"aegis", "--color", ""}) == "always auto never");
    CHECK(bash_complete(script, {"aegis", "failover", "--policy", ""}) ==
          "aggressive balanced conservative");
    CHECK(bash_complete(script, {"aegis", "failover", "--kill", ""}) == "crash stop");
    CHECK(bash_complete(script, {"aegis", "completion", ""}) == "bash fish zsh");
    // An option's value is not a command; the global options work after the subcommand.
    CHECK(bash_complete(script, {"aegis", "--color", "never", "de"}) == "demo");
    CHECK(bash_complete(script, {"aegis", "demo", "-v", "ec"}) == "echo echo-single");
    // The hidden name look-ups are not offered.
    auto completion_options = bash_complete(script, {"aegis", "completion", "--"});
    CHECK(contains(completion_options, "--color"));
    CHECK_FALSE(contains(completion_options, "--services"));
    CHECK_FALSE(contains(completion_options, "--methods"));

    // Files: --config FILE, and -d @FILE (JSON text otherwise).
    std::ofstream(dir.path() + "/params.json") << "{}";
    CHECK(bash_complete(script, {"aegis", "--config", dir.path() + "/par"}) ==
          dir.path() + "/params.json");
    CHECK(bash_complete(script, {"aegis", "call", "s", "m", "-d", "@" + dir.path() + "/par"}) ==
          "@" + dir.path() + "/params.json");
    CHECK(bash_complete(script, {"aegis", "call", "s", "m", "-d", dir.path() + "/par"}).empty());

    // As bash really splits a line at COMP_WORDBREAKS (= and :): what readline will replace.
    CHECK(bash_complete(script, {"aegis", "--color", "=", "al"}, "aegis --color=al") == "always");
    CHECK(bash_complete(script, {"aegis", "-s", "nats", ":", "//127.0.0.1", ":", "1", "con"},
                        "aegis -s nats://127.0.0.1:1 con") == "config");
}

TEST_CASE("completion: zsh and fish scripts name every command and pass their shell's check") {
    aegis::test::TempDir dir;
    auto zsh = save_script("zsh", dir.path(), "_aegis");
    auto fish = save_script("fish", dir.path(), "aegis.fish");
    std::string zsh_text = aegis::test::read_file(zsh), fish_text = aegis::test::read_file(fish);
    CHECK(zsh_text.rfind("#compdef aegis\n", 0) == 0);
    for (const auto& name : help_commands()) {
        INFO(name);
        CHECK(contains(zsh_text, "'" + name + ":"));
        CHECK(contains(fish_text, "-n \"__aegis_at 'aegis'\" -a " + name + " "));
    }
    CHECK_FALSE(contains(zsh_text, "'--services:"));
    CHECK_FALSE(contains(fish_text, "-l services"));

    if (aegis::test::on_path("zsh")) {
        auto r = run_program({"zsh", "-n", zsh});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        // The completion system's builtins stubbed: what _aegis offers for a line.
        auto complete = [&](std::vector<std::string> words) {
            std::vector<std::string> argv{
                "zsh", "-f", "-c",
                "compdef() { :; }; compset() { return 1; }; _files() { print -r -- '<files>'; }\n"
                "_describe() { local i; for i in \"${(@P)4}\"; do i=${i%%:*};"
                " [[ $i == ${PREFIX}* ]] && print -r -- $i; done; return 0; }\n"
                "compadd() { local i; for i in \"${(@P)2}\"; do [[ $i == ${PREFIX}* ]] &&"
                " print -r -- $i; done; return 0; }\n"
                "source \"$1\"; shift; words=(\"$@\"); CURRENT=$#; PREFIX=${words[-1]}; _aegis",
                "zsh", zsh};
            argv.insert(argv.end(), words.begin(), words.end());
            auto c = run_program(argv);
            INFO(c.err);
            CHECK(c.err.empty());
            return sorted_lines(c.out);
        };
        CHECK(complete({"aegis", "de"}) == "demo");
        CHECK(complete({"aegis", "demo", "ec"}) == "echo echo-single");
        CHECK(complete({"aegis", "call", "--col"}) == "--color");
        CHECK(complete({"aegis", "failover", "--kill", ""}) == "crash stop");
        CHECK(complete({"aegis", "--config", ""}) == "<files>");
    } else {
        WARN("zsh is not installed: its checks are skipped");
    }

    if (aegis::test::on_path("fish")) {
        auto r = run_program({"fish", "-n", fish});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        auto complete = [&](const std::string& line) {
            auto c = run_program({"fish", "-c", "source $argv[1]; complete -C$argv[2]", fish,
                                  line});
            INFO(c.err);
            CHECK(c.exit_code == 0);
            return sorted_lines(c.out);
        };
        CHECK(complete("aegis de") == "demo");
        CHECK(complete("aegis demo ec") == "echo echo-single");
        CHECK(complete("aegis call --col") == "--color");
        CHECK(complete("aegis failover --policy ") == "aggressive balanced conservative");
        CHECK(complete("aegis --color never de") == "demo");
    } else {
        WARN("fish is not installed: its checks are skipped");
    }
}

TEST_CASE("completion: the committed completions/ are what the binary prints") {
    const std::string dir = aegis::test::source_dir() + "/completions/";
    for (auto [shell, file] : std::vector<std::pair<std::string, std::string>>{
             {"bash", "aegis.bash"}, {"zsh", "_aegis"}, {"fish", "aegis.fish"}}) {
        INFO("completions/" << file << " is stale: run scripts/gen_completions.sh");
        auto r = run_aegis({"completion", shell});
        REQUIRE(r.exit_code == 0);
        CHECK(aegis::test::read_file(dir + file) == r.out);
    }
}

TEST_CASE("completion: without a shell it is a usage error") {
    auto r = run_aegis({"completion"});
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "bash|zsh|fish"));
    CHECK(run_aegis({"completion", "tcsh"}).exit_code == 2);
}

TEST_CASE("completion --services and --methods list names from the live registry") {
    aegis::test::NatsServer server;
    aegis::test::Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    aegis::test::ProcessResult services;
    CHECK(aegis::test::eventually([&] {
        services = run_aegis({"completion", "--services", "--server", server.url()});
        return contains(services.out, "echo-service\n");
    }));
    CHECK(services.exit_code == 0);
    CHECK(services.err.empty());
    auto methods = run_aegis({"completion", "--methods", "echo-service", "--server", server.url()});
    CHECK(methods.exit_code == 0);
    CHECK(sorted_lines(methods.out) == "delay_echo echo status");
    CHECK(methods.took < 2s);

    // Through the bash script, with the --server typed on the line passed along.
    aegis::test::TempDir dir;
    auto script = save_script("bash", dir.path(), "aegis.bash");
    std::string exe = aegis::test::aegis_binary();
    CHECK(bash_complete(script, {exe, "call", "--server", server.url(), ""}) == "echo-service");
    CHECK(bash_complete(script, {exe, "call", "-s", server.url(), "echo-service", "e"}) == "echo");
    std::string port = std::to_string(server.port());
    CHECK(bash_complete(script, {exe, "-s", "nats", ":", "//127.0.0.1", ":", port, "explore", "ec"},
                        exe + " -s nats://127.0.0.1:" + port + " explore ec") == "echo-service");
}

TEST_CASE("completion: failover SERVICE offers only single-active services") {
    aegis::test::NatsServer server;
    aegis::test::Background echo({"demo", "echo", "--server", server.url()});
    aegis::test::Background single({"demo", "echo-single", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    REQUIRE(single.wait_for_output("started"));
    aegis::test::TempDir dir;
    auto script = save_script("bash", dir.path(), "aegis.bash");
    std::string exe = aegis::test::aegis_binary();
    CHECK(aegis::test::eventually([&] {
        return bash_complete(script, {exe, "call", "--server", server.url(), "ec"}) ==
               "echo-service echo-single-service";
    }));
    CHECK(bash_complete(script, {exe, "failover", "--server", server.url(), "ec"}) ==
          "echo-single-service");
}

TEST_CASE("completion: a subcommand's options are offered once (no second --help)") {
    aegis::test::TempDir dir;
    auto script = save_script("bash", dir.path(), "aegis.bash");
    CHECK(bash_complete(script, {"aegis", "call", "--he"}) == "--help");
    CHECK(bash_complete(script, {"aegis", "demo", "echo", "-h"}) == "-h");
}

TEST_CASE("completion --services without NATS prints nothing and exits 0 at once") {
    std::string dead = "nats://127.0.0.1:" + std::to_string(aegis::util::free_port());
    for (std::vector<std::string> args : {std::vector<std::string>{"completion", "--services"},
                                          {"completion", "--methods", "echo-service"}}) {
        args.insert(args.end(), {"--server", dead});
        auto r = run_aegis(args);
        INFO(args[1]);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
        CHECK(r.err.empty());
        CHECK(r.took < 1s);
    }
    // A config file that cannot be read is no reason for an error message during TAB either.
    auto bad = run_aegis({"completion", "--services", "--config", "/nonexistent/aegis.yaml"});
    CHECK(bad.exit_code == 0);
    CHECK(bad.out.empty());
    CHECK(bad.err.empty());
}
