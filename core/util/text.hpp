#pragma once
// Small text helpers shared across core.
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace aegis::util {

// ASCII lower case (names, subjects, flags: never locale-dependent).
inline std::string to_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "a,b,,c" → {"a", "b", "c"}: the non-empty pieces between separators.
inline std::vector<std::string> split(std::string_view list, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(sep, start);
        if (end == std::string_view::npos) end = list.size();
        if (end > start) out.emplace_back(list.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace aegis::util
