#pragma once
// Small text helpers shared across core.
#include <cctype>
#include <string>

namespace aegis::util {

// ASCII lower case (names, subjects, flags: never locale-dependent).
inline std::string to_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace aegis::util
