#include "commands/parse_errors.hpp"
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <regex>

#include "commands/help_text.hpp"
#include "core/util/text.hpp"

namespace aegis::cmd {

namespace {

class HelpFormatter : public CLI::Formatter {
public:
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (!opt->get_option_text().empty() || opt->get_type_size() == 0 ||
            opt->get_type_name().empty())
            return CLI::Formatter::make_option_opts(opt);
        std::string out = " " + help_value_word(opt->get_type_name());
        if (!opt->get_default_str().empty()) out += "=" + opt->get_default_str();
        if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
        if (opt->get_required()) out += " (required)";
        return out;
    }
};

// CLI11's "a,b,c" as the user reads choices: "a|b|c".
std::string choice_list(std::string list) {
    for (auto& c : list)
        if (c == ',') c = '|';
    return list;
}

// "0.000000" → "0", "1.500000" → "1.5".
std::string plain_number(std::string n) {
    if (n.find('.') == std::string::npos) return n;
    while (!n.empty() && n.back() == '0') n.pop_back();
    if (!n.empty() && n.back() == '.') n.pop_back();
    return n;
}

// The command `words` names (the deepest subcommand on the path) and its "aegis ..." path.
const CLI::App* command_of(const CLI::App& root, const std::vector<std::string>& words,
                           std::string& path) {
    const CLI::App* node = &root;
    path = "aegis";
    for (const auto& w : words) {
        const CLI::App* sub = find_subcommand(*node, w);
        if (!sub) break;
        node = sub;
        path += " " + w;
    }
    return node;
}

// Every option name `app` accepts: its own and, through fallthrough, its parents'.
std::vector<std::string> option_names(const CLI::App* app) {
    std::vector<std::string> names;
    for (; app; app = app->get_parent())
        for (const CLI::Option* o : app->get_options()) {
            if (o->get_group().empty()) continue;  // hidden
            for (const auto& l : o->get_lnames()) names.push_back("--" + l);
            for (const auto& s : o->get_snames()) names.push_back("-" + s);
        }
    return names;
}

std::string extras_message(const std::string& what, const CLI::App* app) {
    std::string extra = what.substr(what.find(": ") + 2);
    extra = extra.substr(0, extra.find(' '));
    if (extra.size() < 2 || extra[0] != '-') return "unexpected argument '" + extra + "'";
    std::string name = extra.substr(0, extra.find('='));
    std::string near = util::closest(name, option_names(app));
    std::string message = "unknown option '" + name + "'";
    return near.empty() ? message : message + " (did you mean '" + near + "'?)";
}

std::string rewrite(const std::string& what, const CLI::App* app) {
    std::smatch m;
    static const std::regex extras("^The following arguments? (was|were) not expected: .*");
    static const std::regex at_most("^(-[^:]*): At Most 1 required but received (\\d+)$");
    static const std::regex not_in("^(-[^:]*): (.*) not in \\{(.*)\\}$");
    static const std::regex range("^(-[^:]*): Value (.*) not in range (\\S+) to (\\S+)$");
    static const std::regex convert("^Could not convert: (-\\S*) = (.*)$");
    static const std::regex missing("^(-[^:]*): \\d+ required \\S+ missing$");
    if (std::regex_match(what, extras)) return extras_message(what, app);
    if (std::regex_match(what, m, at_most))
        return "'" + m[1].str() + "' was given " + m[2].str() + " times; give it once";
    if (std::regex_match(what, m, not_in)) {
        return "'" + m[1].str() + "' takes one of " + choice_list(m[3]) + ", not '" + m[2].str() +
               "'";
    }
    if (std::regex_match(what, m, range))
        return "'" + m[1].str() + "' takes a value from " + plain_number(m[3]) + " to " +
               plain_number(m[4]) + ", not " + m[2].str();
    if (std::regex_match(what, m, convert))
        return "'" + m[1].str() + "' takes a number, not '" + m[2].str() + "'";
    if (std::regex_match(what, m, missing)) return "'" + m[1].str() + "' needs a value";
    return what;
}

}  // namespace

std::shared_ptr<CLI::Formatter> help_formatter() { return std::make_shared<HelpFormatter>(); }

std::string help_value_word(const std::string& type_name) {
    std::smatch m;
    static const std::regex choices("^[A-Z]*:\\{(.*)\\}$");
    static const std::regex range("^[A-Z]*:[A-Z]* in \\[(\\S+) - (\\S+)\\]$");
    if (std::regex_match(type_name, m, choices)) return choice_list(m[1]);
    if (std::regex_match(type_name, m, range))
        return plain_number(m[1]) + ".." + plain_number(m[2]);
    std::string head = type_name.substr(0, type_name.find(':'));
    if (head == "INT" || head == "UINT") return "N";
    if (head == "FLOAT") return "NUM";
    return head;
}

ParseProblem explain_parse_error(const CLI::ParseError& e, const CLI::App& root,
                                 const std::vector<std::string>& words) {
    std::string path;
    const CLI::App* app = command_of(root, words, path);
    return {rewrite(e.what(), app), "see '" + path + " --help'"};
}

}  // namespace aegis::cmd
