#include "core/util/command_line.hpp"
#include <vector>
#include <string>

#include "core/util/error.hpp"

namespace aegis::util {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Reads a quoted part starting after the opening quote at `i`; returns the index after the
// closing quote.
size_t quoted(std::string_view s, size_t i, char quote, std::string& word) {
    for (; i < s.size(); ++i) {
        char c = s[i];
        if (c == quote) return i + 1;
        if (quote == '"' && c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\'))
            c = s[++i];
        word += c;
    }
    throw UsageError(std::string("unterminated ") + (quote == '"' ? "\"" : "'") +
                     " in the command line");
}

}  // namespace

std::vector<std::string> split_command(std::string_view s) {
    std::vector<std::string> argv;
    std::string word;
    bool in_word = false;
    for (size_t i = 0; i < s.size();) {
        char c = s[i];
        if (blank(c)) {
            if (in_word) argv.push_back(std::move(word));
            word.clear();
            in_word = false;
            ++i;
            continue;
        }
        in_word = true;
        if (c == '\'' || c == '"') {
            i = quoted(s, i + 1, c, word);
        } else if (c == '\\') {
            if (i + 1 >= s.size()) throw UsageError("a trailing backslash in the command line");
            word += s[i + 1];
            i += 2;
        } else {
            word += c;
            ++i;
        }
    }
    if (in_word) argv.push_back(std::move(word));
    if (argv.empty()) throw UsageError("the command line is empty");
    return argv;
}

}  // namespace aegis::util
