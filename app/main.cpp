// The aegis executable: global options, the command table, and the one error boundary.
#include <CLI/CLI.hpp>
#include <vector>
#include <string>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "app/command_table.hpp"
#include "commands/context.hpp"
#include "commands/help_text.hpp"
#include "commands/parse_errors.hpp"
#include "core/util/error.hpp"
#include "core/util/signals.hpp"

namespace {

using aegis::cmd::CommandSpec;

void add_global_options(CLI::App& app, aegis::cmd::GlobalOptions& g) {
    // An empty URL is a mistake (an unset variable: --server "$URL"), not a request for "auto".
    const CLI::Validator not_empty(
        [](std::string& v) {
            return v.empty() ? std::string("must not be empty (leave --server out to find NATS "
                                           "automatically)")
                             : std::string();
        },
        "URL");
    app.add_option("-s,--server", g.server,
                   "NATS URL (default: auto: $AEGIS_NATS_URL, $NATS_URL, config file, Kubernetes, "
                   "'aegis up')")
        ->check(not_empty);
    app.add_option("--context", g.context, "named profile from the config file");
    app.add_option("--config", g.config_file,
                   "config file (default: $AEGIS_CONFIG, ./aegis.yaml, ~/.config/aegis/config.yaml)")
        ->type_name("FILE");
    app.add_option("--creds", g.creds, "NATS credentials file (default: $NATS_CREDS)")
        ->type_name("FILE");
    app.add_flag("--json", g.json, "print one JSON document (NDJSON for streams)");
    app.add_option("--color", g.color, "colour: auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_flag("-v,--verbose", g.verbose, "more logging (-vv for trace)");
    app.add_flag("-q,--quiet", g.quiet, "only warnings and errors on stderr");
}

// The words of the command line that are not options or their values (global options that take
// a value are skipped with it), so that only the command named is set up. Which options take a
// value is read from `app`'s own global options, so the list is never written twice.
std::vector<std::string> command_words(const CLI::App& app, int argc, char** argv) {
    std::vector<std::string> with_value;
    for (const CLI::Option* o : app.get_options()) {
        if (!o->nonpositional() || o->get_expected_min() == 0) continue;
        for (const auto& s : o->get_snames()) with_value.push_back("-" + s);
        for (const auto& l : o->get_lnames()) with_value.push_back("--" + l);
    }
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--") break;
        if (a.size() > 1 && a[0] == '-') {
            for (const auto& o : with_value)
                if (a == o) ++i;
            continue;
        }
        words.push_back(std::move(a));
    }
    return words;
}

// Sets up the commands the command line needs (one, or all for help, completion and typos),
// each with its table row's summary, examples, exit codes and global options in its --help.
void set_up_commands(CLI::App& app, aegis::cmd::Context& ctx) {
    const CommandSpec* named = ctx.words.empty() ? nullptr : aegis::app::find_command(ctx.words[0]);
    bool one = named && !(named->flags & aegis::cmd::k_whole_tree);
    for (const auto& spec : aegis::app::command_table()) {
        if (one && named != &spec) continue;
        spec.setup(app, ctx);
        CLI::App* sub = aegis::cmd::find_subcommand(app, spec.name);
        if (!sub) continue;
        sub->description(spec.summary);
        aegis::cmd::add_examples(*sub, spec.examples);
        aegis::cmd::add_exit_codes(*sub, spec.exit_codes);
        aegis::cmd::add_global_options_help(*sub, spec.flags & aegis::cmd::k_needs_nats);
        sub->fallthrough();  // global flags work after the subcommand too
    }
}

// The deepest subcommand the command line chose, and its path ("aegis demo").
const CLI::App* chosen(const CLI::App& app, std::string& prefix) {
    const CLI::App* node = &app;
    prefix = "aegis";
    for (;;) {
        auto subs = node->get_subcommands();
        if (subs.empty()) return node;
        if (node != &app) prefix += " " + node->get_name();
        node = subs.front();
    }
}

int run_chosen(CLI::App& app, aegis::cmd::Context& ctx, int argc) {
    std::string prefix;
    const CLI::App* node = chosen(app, prefix);
    if (!ctx.run) {
        // A group named alone (aegis config) lists its subcommands, as 'aegis' alone does.
        std::cout << (node == &app ? app.help() : node->help(prefix));
        return node == &app && argc > 1 ? aegis::exit_code::usage : aegis::exit_code::ok;
    }
    const CommandSpec* spec = ctx.words.empty() ? nullptr : aegis::app::find_command(ctx.words[0]);
    bool cleans_up = spec && (spec->flags & aegis::cmd::k_cleans_up);
    bool stoppable = cleans_up || (spec && (spec->flags & aegis::cmd::k_stoppable));
    if (cleans_up)
        aegis::util::install_tool_signals(
            "\naegis: still cleaning up: what the run created is removed, or listed when it "
            "cannot be (Ctrl-\\ quits now and leaves the rest)\n");
    else if (stoppable)
        aegis::util::install_tool_signals();
    int rc = ctx.run();
    // Ctrl-C ends a live command with its summary and the shell's 128 + SIGINT.
    if (stoppable && rc == 0 && aegis::util::stop_signal() == SIGINT)
        rc = aegis::exit_code::interrupted;
    // A closed pipe (`| head -1`, `| grep -q`) ends it quietly: the reader had what it wanted,
    // and a script under `set -o pipefail` must not fail for that.
    if (aegis::util::output_closed() && (rc == 0 || rc == aegis::exit_code::interrupted))
        rc = aegis::exit_code::ok;
    return rc;
}

// Busybox-style applets: a link named aegis-<command> (aegis-call, aegis-test, ...; cmake
// --install makes them) runs 'aegis <command>', so its help, errors and completion read as
// those of 'aegis <command>'. Any other name (a renamed binary) is plain aegis.
std::vector<char*> applet_argv(int argc, char** argv, std::string& command) {
    std::vector<char*> args(argv, argv + argc);
    if (argc > 0 && argv[0]) {
        std::string base = argv[0];
        base = base.substr(base.find_last_of('/') + 1);
        if (base.rfind("aegis-", 0) == 0 && aegis::app::find_command(base.substr(6))) {
            command = base.substr(6);
            args.insert(args.begin() + 1, command.data());
        }
    }
    args.push_back(nullptr);
    return args;
}

bool has_flag(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], flag) == 0) return true;
    return false;
}

}  // namespace

int main(int argc_in, char** argv_in) {
    std::string applet;
    std::vector<char*> args = applet_argv(argc_in, argv_in, applet);
    int argc = static_cast<int>(args.size()) - 1;
    char** argv = args.data();
    aegis::cmd::Context ctx;
    CLI::App app{"aegis: build, run, watch and test AegisSDK services on NATS", "aegis"};
    app.set_version_flag("--version", aegis::app::version_text());
    app.fallthrough();
    app.formatter(aegis::cmd::help_formatter());  // before the commands: they inherit it
    app.require_subcommand(0, 1);
    add_global_options(app, ctx.global);
    // Hidden: parse the command line, run nothing (a test checks every --help example with it).
    bool parse_only = false;
    app.add_flag("--parse-only", parse_only, "parse the command line and exit 0")->group("");
    ctx.words = command_words(app, argc, argv);
    set_up_commands(app, ctx);
    // After the set-up: CLI11 copies a parent's footer into each new subcommand.
    app.footer("Run 'aegis help COMMAND' (or 'aegis COMMAND --help') for a command's options "
               "and examples.");
    // An error before --json was parsed still honours it.
    if (has_flag(argc, argv, "--json")) ctx.global.json = true;

    try {
        try {
            aegis::cmd::check_command_path(app, ctx.words);
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp&) {
            std::cout << app.help();
            return 0;
        } catch (const CLI::CallForAllHelp&) {
            std::cout << app.help("", CLI::AppFormatMode::All);
            return 0;
        } catch (const CLI::CallForVersion& v) {
            std::cout << v.what() << "\n";
            return 0;
        } catch (const CLI::ParseError& e) {
            // A --help inside a subcommand arrives here too, through CLI11's own exit path.
            if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
                std::cout << app.help();
                return 0;
            }
            ctx.finish_setup();
            auto problem = aegis::cmd::explain_parse_error(e, app, ctx.words);
            ctx.print_error(problem.message, problem.hint, aegis::exit_code::usage);
            return aegis::exit_code::usage;
        }
        if (parse_only) return aegis::exit_code::ok;
        ctx.finish_setup();
        return run_chosen(app, ctx, argc);
    } catch (const aegis::Error& e) {
        ctx.finish_setup();
        ctx.print_error(e);
        return e.code();
    } catch (const std::exception& e) {
        ctx.print_error(std::string("internal error: ") + e.what(),
                        "please report this with the command you ran", aegis::exit_code::internal);
        return aegis::exit_code::internal;
    }
}
