// Reads the command tree for shell completion from the CLI11 parser itself, so that the scripts
// follow every command, option and choice without a list of their own.
#include "commands/completion_tree.hpp"
#include "commands/help_text.hpp"
#include <algorithm>
#include <vector>
#include <string>

#include <CLI/CLI.hpp>

#include "core/scenario/loader.hpp"
#include "core/util/text.hpp"

namespace aegis::cmd::completion {

namespace {

// The built-in scenarios' names, or their tags (sorted, each once): the words to offer for an
// option or positional whose type name is SCENARIO or TAG (aegis test).
std::vector<std::string> builtin_words(bool tags) {
    std::vector<std::string> words;
    for (const auto& sc : scenario::builtin_scenarios()) {
        if (!tags) words.push_back(sc.name);
        if (tags) words.insert(words.end(), sc.tags.begin(), sc.tags.end());
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

// "TEXT:{auto,always,never}" (CLI::IsMember) → {"auto", "always", "never"}.
std::vector<std::string> choices_of(const CLI::Option& opt) {
    std::string type = opt.get_type_name();
    if (type == "SCENARIO" || type == "TAG") return builtin_words(type == "TAG");
    size_t open = type.find('{');
    size_t close = type.find('}', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return {};
    return util::split(type.substr(open + 1, close - open - 1), ',');
}

bool is_file(const CLI::Option& opt) {
    std::string type = opt.get_type_name();
    return type.rfind("FILE", 0) == 0 || type.find(":FILE") != std::string::npos;
}

Value option_value(const CLI::Option& opt, const std::vector<std::string>& choices) {
    if (opt.get_expected_max() == 0) return Value::flag;  // add_flag: expected(0)
    if (!choices.empty()) return Value::choice;
    if (is_file(opt)) return Value::file;
    // The project's convention for JSON input: "JSON text, @file, or - for stdin".
    if (opt.get_description().find("@file") != std::string::npos) return Value::at_file;
    return Value::text;
}

Value positional_value(const CLI::Option& opt, const std::vector<std::string>& choices) {
    if (opt.get_type_name() == "SCENARIO") return Value::scenario;
    if (!choices.empty()) return Value::choice;
    // The project's convention: a SERVICE that must be single-active says so first.
    if (opt.get_name() == "service")
        return opt.get_description().rfind("single-active", 0) == 0 ? Value::active_service
                                                                    : Value::service;
    if (opt.get_name() == "method") return Value::method;
    if (is_file(opt)) return Value::file;
    return Value::text;
}

// Descriptions go into one-line script strings.
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    return text;
}

void add_node(const CLI::App& app, const std::string& path, std::vector<CommandNode>& out) {
    CommandNode node;
    node.path = path;
    node.examples = footer_section(app.get_footer(), "Examples:");
    node.exit_codes = footer_section(app.get_footer(), "Exit codes:");
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_group().empty()) continue;  // hidden
        auto choices = choices_of(*opt);
        if (opt->nonpositional()) {
            OptionSpec spec;
            for (const auto& s : opt->get_snames()) spec.names.push_back("-" + s);
            for (const auto& l : opt->get_lnames()) spec.names.push_back("--" + l);
            spec.value = option_value(*opt, choices);
            spec.choices = choices;
            spec.description = one_line(opt->get_description());
            node.options.push_back(std::move(spec));
        } else if (opt->get_positional()) {
            PositionalSpec spec;
            spec.name = opt->get_name();
            spec.value = positional_value(*opt, choices);
            spec.choices = choices;
            spec.repeats = opt->get_items_expected_max() > 1;
            node.positionals.push_back(std::move(spec));
        }
    }
    std::vector<const CLI::App*> subs;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        if (!sub->get_group().empty() && !sub->get_name().empty()) subs.push_back(sub);
    for (const CLI::App* sub : subs)
        node.subcommands.emplace_back(sub->get_name(), one_line(sub->get_description()));
    out.push_back(std::move(node));
    for (const CLI::App* sub : subs) add_node(*sub, path + " " + sub->get_name(), out);
}

}  // namespace

std::vector<CommandNode> describe_cli(const CLI::App& root) {
    std::vector<CommandNode> out;
    add_node(root, root.get_name().empty() ? "aegis" : root.get_name(), out);
    return out;
}

std::string value_word(Value value, const std::vector<std::string>& choices, bool repeats) {
    std::string word;
    switch (value) {
    case Value::flag: word = "flag"; break;
    case Value::text: word = "text"; break;
    case Value::file: word = "file"; break;
    case Value::at_file: word = "@file"; break;
    case Value::service: word = "service"; break;
    case Value::active_service: word = "active-service"; break;
    case Value::method: word = "method"; break;
    case Value::choice:
    case Value::scenario:
        word = value == Value::choice ? "=" : "scenario:";
        for (size_t i = 0; i < choices.size(); ++i) word += (i ? "," : "") + choices[i];
        break;
    }
    return repeats ? word + "+" : word;
}

std::vector<std::string> applet_names() {
    std::vector<std::string> names;
    for (const auto& command : util::split(AEGIS_APPLETS, ' ')) names.push_back("aegis-" + command);
    return names;
}

std::string sh_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string fish_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

const char* const k_find_option_fn = R"SH(
# The value kind of option $2 as command $1 sees it: its own, else its nearest parent's (every
# subcommand accepts its parents' options). Sets _aegis_root=1 when it is a global option.
_aegis_find_option() {
    local p=$1
    _aegis_root=0
    while ! _aegis_option_value "$p" "$2"; do
        [[ $p == *' '* ]] || return 1
        p=${p% *}
    done
    [[ $p == *' '* ]] || _aegis_root=1
    return 0
}
)SH";

}  // namespace aegis::cmd::completion
