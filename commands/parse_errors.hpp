#pragma once
// What the command-line parser (CLI11) says, in aegis's words: value words in --help that a user
// reads ("N", "0..1", "msgpack|json") instead of the parser's types ("INT", "FLOAT:FLOAT in
// [0 - 1]", "TEXT:{msgpack,json}"), and its errors as one sentence with the command's --help as
// the hint ("unknown option '--cout' (did you mean '--count'?)").
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
class Formatter;
class ParseError;
}  // namespace CLI

namespace aegis::cmd {

// The --help formatter of every command (set on the root before the commands are added).
std::shared_ptr<CLI::Formatter> help_formatter();
// The value word --help shows for a CLI11 type name ("INT" → "N", "TEXT:{a,b}" → "a|b").
std::string help_value_word(const std::string& type_name);

struct ParseProblem {
    std::string message;  // "unknown option '--cout' (did you mean '--count'?)"
    std::string hint;     // "see 'aegis call --help'"
};
// `e` about the command that `words` (the command path typed) names under `root`.
ParseProblem explain_parse_error(const CLI::ParseError& e, const CLI::App& root,
                                 const std::vector<std::string>& words);

}  // namespace aegis::cmd
