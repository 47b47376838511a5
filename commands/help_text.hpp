#pragma once
// The parts of a command's --help that every command shares: its examples and the global options,
// appended to its footer so that `aegis X --help` and `aegis help X` show them.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aegis::cmd {

// Appends "Examples:" with one indented line per line of `examples` (nothing when empty).
void add_examples(CLI::App& app, const std::string& examples);
// Appends "Exit codes:" with one indented line per "; "-separated code of `codes`.
void add_exit_codes(CLI::App& app, const std::string& codes);
// The indented lines under `heading` ("Examples:") in a footer those two functions wrote.
std::vector<std::string> footer_section(const std::string& footer, const std::string& heading);
// Appends the global options to `app`'s footer and to every subcommand below it;
// `connects`: the command talks to NATS, so the connection options are listed too.
void add_global_options_help(CLI::App& app, bool connects);
// `app`'s subcommand named `word`, or nullptr (hidden or not).
CLI::App* find_subcommand(const CLI::App& app, const std::string& word);
// The names of `app`'s visible subcommands.
std::vector<std::string> subcommand_names(const CLI::App& app);
// Throws UsageError when `words` (the command path) leaves the command tree at a group:
// "unknown command 'cal'", with "did you mean 'call'?" when one is near.
void check_command_path(const CLI::App& root, const std::vector<std::string>& words);

}  // namespace aegis::cmd
