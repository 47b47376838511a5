#pragma once
// Which pattern, when (docs/patterns.md): the questions `aegis quickstart` asks on a terminal
// when no --template is given, and the template the answers lead to, with the reason.
#include <functional>
#include <string>
#include <string_view>

namespace aegis::quickstart {

struct PatternChoice {
    std::string templ;  // service, single-active, events, client
    std::string why;    // one line: why this pattern fits the answers
};

// Asks yes/no questions through `yes` (true: yes) until the answers decide: stateless requests →
// service; one writer or ordered work → single-active; reacting to facts → events; observing and
// calling only → client. Nothing is printed here: `yes` does the asking.
PatternChoice choose_pattern(const std::function<bool(std::string_view question)>& yes);

}  // namespace aegis::quickstart
