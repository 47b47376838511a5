#pragma once
// Shell completion: the command tree as the scripts need it (read from the live CLI11 parser),
// and the three renderers (bash, zsh, fish). `aegis completion SHELL` prints one of them.
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace aegis::cmd::completion {

// What a word expects: nothing (a flag), free text, a file, JSON text or @FILE, one of the
// choices, or a name from the live registry (a service; a method of the service named before);
// a scenario: a built-in scenario's name (the choices) or a *.yaml / *.yml file.
enum class Value { flag, text, file, at_file, choice, service, active_service, method, scenario };

struct OptionSpec {
    std::vector<std::string> names;  // "-s", "--server": short names first
    Value value = Value::flag;
    std::vector<std::string> choices;
    std::string description;
};

struct PositionalSpec {
    std::string name;
    Value value = Value::text;
    std::vector<std::string> choices;
    bool repeats = false;  // takes every remaining word
};

struct CommandNode {
    std::string path;  // "aegis", "aegis demo", "aegis demo echo"
    std::vector<std::pair<std::string, std::string>> subcommands;  // name, description
    std::vector<OptionSpec> options;  // its own; subcommands accept them too (fallthrough)
    std::vector<PositionalSpec> positionals;
    std::vector<std::string> examples;    // the command lines under "Examples:" in its --help
    std::vector<std::string> exit_codes;  // "0 ok", "2 usage": the lines under "Exit codes:"
};

// Every visible command, the root first, each subtree in the order it was added. Hidden options
// and subcommands (an empty group) are left out.
std::vector<CommandNode> describe_cli(const CLI::App& root);

// The word the scripts use for a value: flag, text, file, @file, service, method, =a,b,c for
// choices, or scenario:a,b,c (with a trailing + for a positional that repeats).
std::string value_word(Value value, const std::vector<std::string>& choices, bool repeats = false);

// 'text' for bash and zsh ('\'' inside); 'text' for fish (\' and \\ inside).
std::string sh_quote(const std::string& text);
std::string fish_quote(const std::string& text);

// The busybox-style applet names (aegis-call, aegis-test, ...): each completes as
// 'aegis <command>'.
std::vector<std::string> applet_names();

// _aegis_find_option, in the shell syntax bash and zsh share.
extern const char* const k_find_option_fn;

std::string bash_script(const std::vector<CommandNode>& tree);
std::string zsh_script(const std::vector<CommandNode>& tree);
std::string fish_script(const std::vector<CommandNode>& tree);
// The aegis(1) man page (troff), `aegis completion --man`.
std::string man_page(const std::vector<CommandNode>& tree, const std::string& version);

}  // namespace aegis::cmd::completion
