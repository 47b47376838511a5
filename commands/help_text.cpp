#include "commands/help_text.hpp"
#include <vector>
#include <string>

#include <CLI/CLI.hpp>

#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace aegis::cmd {

namespace {

void append_footer(CLI::App& app, const std::string& text) {
    std::string footer = app.get_footer();
    app.footer(footer.empty() ? text : footer + "\n\n" + text);
}

}  // namespace

void add_examples(CLI::App& app, const std::string& examples) {
    if (examples.empty()) return;
    std::string text = "Examples:";
    for (const auto& line : util::split(examples, '\n')) text += "\n  " + line;
    append_footer(app, text);
}

void add_exit_codes(CLI::App& app, const std::string& codes) {
    if (codes.empty()) return;
    std::string text = "Exit codes:";
    size_t at = 0;
    for (size_t end; (end = codes.find("; ", at)) != std::string::npos; at = end + 2)
        text += "\n  " + codes.substr(at, end - at);
    append_footer(app, text + "\n  " + codes.substr(at));
}

std::vector<std::string> footer_section(const std::string& footer, const std::string& heading) {
    std::vector<std::string> out;
    bool in = false;
    for (const auto& line : util::split(footer, '\n')) {
        if (line == heading) in = true;
        else if (in && line.rfind("  ", 0) == 0) out.push_back(line.substr(2));
        else if (in) break;
    }
    return out;
}

void add_global_options_help(CLI::App& app, bool connects) {
    append_footer(app, connects
                           ? "Global options (see 'aegis --help'): -s/--server URL, --context NAME, "
                             "--creds FILE,\n  --config FILE, --json, --color WHEN, -v/--verbose, "
                             "-q/--quiet"
                           : "Global options (see 'aegis --help'): --config FILE, --context NAME, "
                             "--json,\n  --color WHEN, -v/--verbose, -q/--quiet");
    for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        add_global_options_help(*sub, connects);
}

CLI::App* find_subcommand(const CLI::App& app, const std::string& word) {
    // CLI11's const overload hands out const pointers; the tree is ours to decorate.
    auto subs = const_cast<CLI::App&>(app).get_subcommands(
        [&](const CLI::App* s) { return s->get_name() == word; });
    return subs.empty() ? nullptr : subs.front();
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        if (!sub->get_group().empty() && !sub->get_name().empty()) names.push_back(sub->get_name());
    return names;
}

void check_command_path(const CLI::App& root, const std::vector<std::string>& words) {
    const CLI::App* node = &root;
    std::string path = "aegis";
    for (const auto& word : words) {
        auto names = subcommand_names(*node);
        // A command with arguments of its own (call SERVICE ...) ends the path.
        if (names.empty() || !node->get_options([](const CLI::Option* o) {
                                      return o->get_positional();
                                  }).empty())
            return;
        const CLI::App* sub = find_subcommand(*node, word);
        if (!sub) {
            std::string near = util::closest(word, names);
            throw UsageError("unknown command '" + word + "' for '" + path + "'",
                             near.empty() ? "see '" + path + " --help'"
                                          : "did you mean '" + near + "'?");
        }
        node = sub;
        path += " " + word;
    }
}

}  // namespace aegis::cmd
