// `aegis completion --man` (hidden; the build runs it): the aegis(1) man page in troff, from the
// same live command tree the completion scripts are made of, so it never lists a stale option.
#include <string>
#include <vector>

#include "commands/completion_tree.hpp"

namespace aegis::cmd::completion {

namespace {

// Text for troff: a backslash is \e, a leading dot or quote would start a request.
std::string troff(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
    }
    if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
    return out;
}

std::string option_line(const OptionSpec& o) {
    std::string names;
    for (const auto& n : o.names) names += (names.empty() ? "" : ", ") + n;
    std::string value;
    if (o.value == Value::choice) {
        for (const auto& c : o.choices) value += (value.empty() ? "" : "|") + c;
    } else if (o.value != Value::flag) {
        value = o.value == Value::file ? "FILE" : "VALUE";
    }
    std::string head = "\\fB" + troff(names) + "\\fR" + (value.empty() ? "" : " \\fI" + troff(value) + "\\fR");
    return ".TP\n" + head + "\n" + troff(o.description) + "\n";
}

std::string command_section(const CommandNode& node, const std::string& summary) {
    std::string out = ".SS " + troff(node.path) + "\n";
    if (!summary.empty()) out += troff(summary) + "\n";
    std::string synopsis = node.path;
    for (const auto& p : node.positionals) synopsis += " " + p.name + (p.repeats ? " ..." : "");
    if (!node.options.empty()) synopsis += " [options]";
    out += ".PP\n\\fB" + troff(synopsis) + "\\fR\n";
    for (const auto& o : node.options) out += option_line(o);
    if (!node.exit_codes.empty()) {
        out += ".PP\nExit status:\n.RS\n.nf\n";
        for (const auto& line : node.exit_codes) out += troff(line) + "\n";
        out += ".fi\n.RE\n";
    }
    return out;
}

// EXAMPLES: each command's examples, as `aegis help COMMAND` ends with them.
std::string examples_section(const std::vector<CommandNode>& tree) {
    std::string out = ".SH EXAMPLES\n";
    for (size_t i = 1; i < tree.size(); ++i) {
        if (tree[i].examples.empty()) continue;
        out += ".SS " + troff(tree[i].path) + "\n.nf\n";
        for (const auto& line : tree[i].examples) out += troff(line) + "\n";
        out += ".fi\n";
    }
    return out;
}

}  // namespace

std::string man_page(const std::vector<CommandNode>& tree, const std::string& version) {
    std::string out = ".TH AEGIS 1 \"\" \"" + troff(version) + "\" \"User Commands\"\n";
    out += ".SH NAME\naegis \\- build, run, watch and test AegisSDK services on NATS\n";
    out += ".SH SYNOPSIS\n\\fBaegis\\fR [global options] \\fICOMMAND\\fR [options] [arguments]\n";
    out += ".SH DESCRIPTION\nOne executable for developing and operating services that speak the "
           "AegisSDK protocol on NATS. Every command accepts the global options, before or after "
           "the command name. \\fBaegis COMMAND --help\\fR prints a command's help.\n";
    if (!tree.empty()) {
        out += ".SH GLOBAL OPTIONS\n";
        for (const auto& o : tree.front().options) out += option_line(o);
    }
    out += ".SH COMMANDS\n";
    for (size_t i = 1; i < tree.size(); ++i) {
        // The summary is the parent's description of this node.
        std::string summary;
        for (const auto& parent : tree)
            for (const auto& [name, description] : parent.subcommands)
                if (parent.path + " " + name == tree[i].path) summary = description;
        out += command_section(tree[i], summary);
    }
    out += examples_section(tree);
    out += ".SH EXIT STATUS\nEach command lists its own codes under COMMANDS. In all: 0 ok, 1 the "
           "command ran and the answer is no, 2 usage, 65 bad data, 66 missing input file, 69 NATS or service unavailable, 70 internal error, 73 cannot "
           "create, 74 I/O, 75 timeout, 77 auth, 78 bad config, 130 interrupted.\n";
    out += ".SH ENVIRONMENT\n.TP\n\\fBAEGIS_NATS_URL\\fR, \\fBNATS_URL\\fR\nthe NATS server "
           "(default: auto-discovery)\n.TP\n\\fBAEGIS_LOG\\fR\nlog level: trace, debug, info, "
           "warn, error, off\n.TP\n\\fBNO_COLOR\\fR\nno colour\n";
    out += ".SH SEE ALSO\n\\fBnats\\-server\\fR(8), \\fBkubectl\\fR(1), \\fBnats\\fR(1); "
           "\\fBaegis help\\fR \\fICOMMAND\\fR; the guides under docs/ in the aegis sources "
           "(getting started, the SDK, scenarios, troubleshooting).\n";
    return out;
}

}  // namespace aegis::cmd::completion
