#pragma once
// Small text helpers shared across core.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
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

// Levenshtein distance (insertions, deletions, substitutions), for "did you mean ...?".
inline size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

// The candidate nearest to `word` if it is close enough to be a typo (at most 2 edits, and
// fewer than half the word), else "".
template <class Names>
std::string closest(std::string_view word, const Names& candidates) {
    std::string best;
    size_t best_d = 3;
    for (const auto& c : candidates) {
        std::string_view name(c);
        size_t d = edit_distance(word, name);
        if (name.rfind(word, 0) == 0 && word.size() >= 2) d = std::min<size_t>(d, 1);
        if (d < best_d && d * 2 <= std::max(word.size(), name.size())) {
            best_d = d;
            best = std::string(name);
        }
    }
    return best;
}

}  // namespace aegis::util
