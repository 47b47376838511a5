// aegis completion: the scripts are valid and really complete (bash always; zsh and fish when
// installed), the committed copies in completions/ are current, and the hidden name look-ups
// answer from a live registry and stay silent and fast without one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/nats/kv.hpp"
#include "core/util/net.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/explore_fixtures.hpp"
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

// Runs the zsh script's _aegis for `words` (the last one is being completed) with the
// completion system's builtins stubbed: what it offers, sorted. _files stands for itself
// ("<files>"), or with -g lists the YAML files the prefix matches.
std::string zsh_complete(const std::string& script, const std::vector<std::string>& words) {
    std::vector<std::string> argv{
        "zsh", "-f", "-c",
        "compdef() { :; }; compset() { return 1; }\n"
        "_files() { if [[ $1 == -g ]]; then local f; for f in ${PREFIX}*.(yaml|yml)(N); do"
        " print -r -- $f; done; else print -r -- '<files>'; fi; }\n"
        "_describe() { local i; for i in \"${(@P)4}\"; do i=${i%%:*};"
        " [[ $i == ${PREFIX}* ]] && print -r -- $i; done; return 0; }\n"
        "compadd() { local i; for i in \"${(@P)2}\"; do [[ $i == ${PREFIX}* ]] &&"
        " print -r -- $i; done; return 0; }\n"
        "source \"$1\"; shift; words=(\"$@\"); CURRENT=$#; PREFIX=${words[-1]}; _aegis",
        "zsh", script};
    argv.insert(argv.end(), words.begin(), words.end());
    auto c = run_program(argv);
    INFO(c.err);
    CHECK(c.err.empty());
    return sorted_lines(c.out);
}

// What fish's `complete -C LINE` offers with the fish script sourced, sorted.
std::string fish_complete(const std::string& script, const std::string& line) {
    auto c = run_program({"fish", "-c", "source $argv[1]; complete -C$argv[2]", script, line});
    INFO(c.err);
    CHECK(c.exit_code == 0);
    return sorted_lines(c.out);
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
    CHECK(zsh_text.rfind("#compdef aegis aegis-quickstart aegis-test ", 0) == 0);
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
        auto complete = [&](std::vector<std::string> words) { return zsh_complete(zsh, words); };
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
        auto complete = [&](const std::string& line) { return fish_complete(fish, line); };
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

namespace {

// Names as hostile as a registry entry or a $SRV.INFO answer can hold: command substitutions,
// backquotes, a quote and a glob. `marker` is the file each would create if a shell ran it.
std::vector<std::string> hostile_names(const std::string& marker) {
    return {"$(touch " + marker + ")", "`touch " + marker + "`", "a'$(touch " + marker + ")'",
            "x;touch${IFS}" + marker, "*"};
}

// A stand-in for aegis that answers the scripts' name look-ups with hostile names besides a
// good one (ok-svc / ok_method): what a poisoned registry would make an old binary print.
std::string fake_aegis(const std::string& dir, const std::string& marker) {
    std::string names;
    for (const auto& n : hostile_names(marker)) {
        names += " '";
        for (char ch : n) names += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        names += "'";
    }
    std::string path = dir + "/aegis";
    std::ofstream(path) << "#!/bin/sh\n"
                        << "case \"$*\" in\n"
                        << "  *--services*) printf '%s\\n' ok-svc" << names << " ;;\n"
                        << "  *--methods*) printf '%s\\n' ok_method" << names << " ;;\n"
                        << "esac\n";
    REQUIRE(run_program({"chmod", "+x", path}).exit_code == 0);
    return path;
}

}  // namespace

TEST_CASE("completion: names from the registry are never run by bash, zsh or fish") {
    aegis::test::TempDir dir;
    std::string marker = dir.path() + "/pwned";
    auto exe = fake_aegis(dir.path(), marker);
    auto bash = save_script("bash", dir.path(), "aegis.bash");
    CHECK(bash_complete(bash, {exe, "call", ""}) == "ok-svc");
    CHECK(bash_complete(bash, {exe, "call", "ok-svc", ""}) == "ok_method");
    CHECK(bash_complete(bash, {exe, "explore", "o"}) == "ok-svc");
    CHECK_FALSE(std::ifstream(marker).good());

    if (aegis::test::on_path("zsh")) {
        auto zsh = save_script("zsh", dir.path(), "_aegis");
        auto complete = [&](std::vector<std::string> words) {
            std::vector<std::string> argv{
                "zsh", "-f", "-c",
                "compdef() { :; }; compset() { return 1; }; _describe() { return 1; }\n"
                "compadd() { local i; for i in \"${(@P)2}\"; do [[ $i == ${PREFIX}* ]] &&"
                " print -r -- $i; done; return 0; }\n"
                "source \"$1\"; shift; words=(\"$@\"); CURRENT=$#; PREFIX=${words[-1]}; _aegis",
                "zsh", zsh};
            argv.insert(argv.end(), words.begin(), words.end());
            return sorted_lines(run_program(argv).out);
        };
        CHECK(complete({exe, "call", ""}) == "ok-svc");
        CHECK(complete({exe, "call", "ok-svc", ""}) == "ok_method");
        CHECK_FALSE(std::ifstream(marker).good());
    }
    if (aegis::test::on_path("fish")) {
        auto fish = save_script("fish", dir.path(), "aegis.fish");
        auto complete = [&](const std::string& line) {
            return sorted_lines(
                run_program({"fish", "-c", "source $argv[1]; complete -C$argv[2]", fish, line})
                    .out);
        };
        CHECK(complete(exe + " call ") == "ok-svc");
        CHECK(complete(exe + " call ok-svc ") == "ok_method");
        CHECK_FALSE(std::ifstream(marker).good());
    }
}

TEST_CASE("completion --services and --methods offer only names that pass the name rules") {
    aegis::test::NatsServer server;
    auto conn = server.connect("hostile");
    aegis::test::put_python_instance(conn, "good-svc", "good-1", std::chrono::system_clock::now());
    aegis::nats::BucketConfig c;
    c.name = aegis::wire::k_registry_bucket;
    auto kv = aegis::nats::KeyValue::open_or_create(conn, c);
    std::string heartbeat = aegis::wire::python_isoformat(std::chrono::system_clock::now());
    // The key is valid; the name inside the value is not (the registry lists what values say).
    kv.put("service-instances__evil__evil-1",
           nlohmann::json{{"serviceName", "$(touch pwned)"}, {"instanceId", "evil-1"},
                          {"version", "1.0.0"}, {"status", "ACTIVE"},
                          {"lastHeartbeat", heartbeat}, {"stickyActiveGroup", nullptr},
                          {"metadata", nlohmann::json::object()}}
               .dump());
    // A $SRV.INFO answer listing hostile methods beside a good one.
    nlohmann::json info = {{"type", "io.nats.micro.v1.info_response"}, {"name", "good-svc"},
                           {"id", "x"}, {"version", "1.0.0"}, {"endpoints", nlohmann::json::array()}};
    for (std::string name : {"good_m", "$(touch pwned)", "a b"})
        info["endpoints"].push_back({{"name", name}, {"subject", "rpc.good-svc." + name}});
    auto sub = conn->subscribe("$SRV.INFO.good-svc", [&conn, reply = info.dump()](
                                                         aegis::nats::Msg& m) {
        conn->publish(m.reply(), reply);
    });
    conn->flush();
    auto services = run_aegis({"completion", "--services", "--server", server.url()});
    CHECK(services.out == "good-svc\n");
    auto methods = run_aegis({"completion", "--methods", "good-svc", "--server", server.url()});
    CHECK(methods.out == "good_m\n");
}

TEST_CASE("completion: applet links complete as their command, aegis test offers scenarios") {
    aegis::test::TempDir dir;
    std::ofstream(dir.path() + "/mine.yaml") << "name: mine\n";
    std::ofstream(dir.path() + "/mine.txt") << "";
    std::string yaml = dir.path() + "/mine.yaml", stem = dir.path() + "/mi";
    // A fake aegis beside an applet link to it: the registry look-up goes to the aegis there.
    auto exe = fake_aegis(dir.path(), dir.path() + "/pwned");
    std::string link = dir.path() + "/aegis-call";
    REQUIRE(run_program({"ln", "-s", "aegis", link}).exit_code == 0);

    auto bash = save_script("bash", dir.path(), "aegis.bash");
    CHECK(contains(aegis::test::read_file(bash), "complete -F _aegis aegis aegis-quickstart"));
    CHECK(bash_complete(bash, {"aegis-test", "fail"}) == "failover");
    CHECK(bash_complete(bash, {"aegis-call", "--col"}) == "--color");
    CHECK(bash_complete(bash, {link, ""}) == "ok-svc");
    CHECK(bash_complete(bash, {"aegis", "test", "rpc"}) == "rpc-load-balancing");
    CHECK(bash_complete(bash, {"aegis", "test", "failover", "sti"}) == "sticky-active");
    CHECK(bash_complete(bash, {"aegis", "test", stem}) == yaml);
    CHECK(bash_complete(bash, {"aegis", "test", "--tag", "sm"}) == "smoke");

    if (aegis::test::on_path("zsh")) {
        auto zsh = save_script("zsh", dir.path(), "_aegis");
        auto complete = [&](std::vector<std::string> words) { return zsh_complete(zsh, words); };
        CHECK(complete({"aegis-test", "fail"}) == "failover");
        CHECK(complete({link, ""}) == "ok-svc");
        CHECK(complete({"aegis", "test", "rpc"}) == "rpc-load-balancing");
        CHECK(complete({"aegis", "test", stem}) == yaml);
        CHECK(complete({"aegis", "test", "--tag", "sm"}) == "smoke");
    } else {
        WARN("zsh is not installed: its checks are skipped");
    }
    if (aegis::test::on_path("fish")) {
        auto fish = save_script("fish", dir.path(), "aegis.fish");
        auto complete = [&](const std::string& line) { return fish_complete(fish, line); };
        CHECK(complete("aegis-test fail") == "failover");
        CHECK(complete("aegis-call --col") == "--color");
        CHECK(complete(link + " ") == "ok-svc");
        CHECK(complete("aegis test rpc") == "rpc-load-balancing");
        CHECK(complete("aegis test " + stem) == yaml);
        CHECK(complete("aegis test --tag sm") == "smoke");
    } else {
        WARN("fish is not installed: its checks are skipped");
    }
}
