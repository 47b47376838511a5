#include "core/report/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "core/util/text.hpp"

namespace aegis::report {

namespace {

bool utf8_locale(std::string_view v) {
    std::string s = util::to_lower(std::string(v));
    return s.find("utf-8") != std::string::npos || s.find("utf8") != std::string::npos;
}

// Byte offsets of each code point's start in `s`.
std::vector<size_t> code_points(const std::string& s) {
    std::vector<size_t> at;
    for (size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) at.push_back(i);
    return at;
}

}  // namespace

Glyphs glyphs_from_env() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* v = std::getenv(name);
        if (v && *v) return Glyphs{utf8_locale(v)};
    }
    return Glyphs{true};
}

std::string bar(double fraction, size_t width, const Glyphs& g) {
    if (!(fraction > 0) || width == 0) return "";
    static const char* const k_eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    double cells = std::min(1.0, fraction) * static_cast<double>(width);
    size_t full = static_cast<size_t>(cells);
    size_t eighth = static_cast<size_t>((cells - static_cast<double>(full)) * 8);
    if (full == 0 && eighth == 0) eighth = 1;  // something, however small, is not nothing
    std::string out;
    for (size_t i = 0; i < full; ++i) out += g.unicode ? "█" : "#";
    if (full < width && eighth > 0) out += g.unicode ? k_eighths[eighth] : (eighth >= 4 ? "#" : "");
    if (out.empty()) out = g.unicode ? "▏" : "#";
    return out;
}

std::string sparkline(const std::vector<double>& values, size_t width, const Glyphs& g,
                      double max) {
    if (values.empty() || width == 0) return "";
    static const char* const k_unicode[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char k_ascii[] = {'_', '_', '.', '-', '-', '=', '#', '#'};
    size_t n = values.size();
    size_t cols = std::min(width, n);
    std::vector<double> cell(cols, 0);
    for (size_t c = 0; c < cols; ++c) {
        size_t from = c * n / cols, to = std::max(from + 1, (c + 1) * n / cols);
        double sum = 0;
        for (size_t i = from; i < to; ++i) sum += std::max(0.0, values[i]);
        cell[c] = sum / static_cast<double>(to - from);
    }
    double top = max > 0 ? max : *std::max_element(cell.begin(), cell.end());
    std::string out;
    for (double v : cell) {
        size_t level = top > 0 ? static_cast<size_t>(std::lround(std::min(1.0, v / top) * 7)) : 0;
        if (v > 0 && level == 0) level = 1;  // a little traffic is visibly more than none
        if (g.unicode) out += k_unicode[level];
        else out += k_ascii[level];
    }
    return out;
}

std::string ellipsise(const std::string& text, size_t width) {
    auto at = code_points(text);
    if (at.size() <= width) return text;
    if (width == 0) return "";
    if (width == 1) return "…";
    size_t tail = (width - 1) / 2, head = width - 1 - tail;
    return text.substr(0, at[head]) + "…" + text.substr(at[at.size() - tail]);
}

}  // namespace aegis::report
