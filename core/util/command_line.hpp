#pragma once
// A command line given as one string (`aegis failover --spawn-cmd '…'`) split into argv the way
// a POSIX shell splits words — and nothing more: no variables, globs, ~, pipes, redirections or
// command substitution; the program is exec'd directly, never by a shell.
#include <string>
#include <string_view>
#include <vector>

namespace aegis::util {

// Words are separated by unquoted blanks. '…' keeps everything literally; "…" keeps everything
// but \" and \\ (a backslash before another character stays); an unquoted backslash takes the
// next character literally. UsageError on an unterminated quote, a trailing backslash, or no
// word at all.
std::vector<std::string> split_command(std::string_view line);

}  // namespace aegis::util
