// The aegis executable: global options, the command table, and the one error boundary.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "app/command_table.hpp"
#include "commands/context.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"

namespace {

void print_error(const aegis::cmd::Context& ctx, const std::string& message,
                 const std::string& hint) {
    auto st = ctx.err_style();
    // Messages quote remote errors and names: control characters are rendered visibly.
    std::string line =
        st.bold("aegis: ") + st.red("error:") + " " + aegis::output::visible(message);
    if (!hint.empty()) line += " (" + aegis::output::visible(hint) + ")";
    std::fprintf(stderr, "%s\n", line.c_str());
}

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
// a value are skipped with it), so that only the command named is set up.
std::vector<std::string> command_words(int argc, char** argv) {
    static const char* with_value[] = {"-s", "--server", "--context", "--config", "--creds", "--color"};
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--") break;
        if (a.size() > 1 && a[0] == '-') {
            for (const char* o : with_value)
                if (a == o) ++i;
            continue;
        }
        words.push_back(std::move(a));
    }
    return words;
}

}  // namespace

int main(int argc, char** argv) {
    aegis::cmd::Context ctx;
    CLI::App app{"aegis: build, run, watch and test AegisSDK services on NATS", "aegis"};
    app.set_version_flag("--version", aegis::app::version_text());
    app.fallthrough();
    app.require_subcommand(0, 1);
    add_global_options(app, ctx.global);
    ctx.words = command_words(argc, argv);
    // `completion` describes every command: no word may narrow the set-up to one.
    if (!ctx.words.empty() && ctx.words[0] == "completion") ctx.words.clear();
    const auto& table = aegis::app::command_table();
    bool one = ctx.names_one_of(0, table);
    for (const auto& spec : table)
        if (!one || ctx.selects(0, spec.name)) spec.setup(app, ctx);
    // Global flags work after the subcommand too.
    for (auto* sub : app.get_subcommands({})) sub->fallthrough();

    try {
        try {
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
            print_error(ctx, e.what(), "see 'aegis --help'");
            return aegis::exit_code::usage;
        }
        ctx.finish_setup();
        if (!ctx.run) {
            std::cout << app.help();
            return argc > 1 ? aegis::exit_code::usage : aegis::exit_code::ok;
        }
        return ctx.run();
    } catch (const aegis::Error& e) {
        print_error(ctx, e.what(), e.hint());
        return e.code();
    } catch (const std::exception& e) {
        print_error(ctx, std::string("internal error: ") + e.what(),
                    "please report this with the command you ran");
        return aegis::exit_code::internal;
    }
}
