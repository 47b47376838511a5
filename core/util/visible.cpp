#include "core/util/visible.hpp"
#include <string>

#include <fmt/format.h>

namespace aegis::util {

namespace {

// The length of the well-formed UTF-8 sequence at text[i] (0 when it is not one).
size_t utf8_length(std::string_view text, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
    if (n == 0 || i + n > text.size()) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((byte(i + k) & 0xc0) != 0x80) return 0;
    return n;
}

// Appends the visible form of the character at text[i]; returns the bytes it took.
size_t append_char(std::string& out, std::string_view text, size_t i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
        if (c < 0x20 || c == 0x7f)
            out += fmt::format("\\x{:02x}", c);
        else
            out += static_cast<char>(c);
        return 1;
    }
    size_t n = utf8_length(text, i);
    if (n == 0) {
        out += fmt::format("\\x{:02x}", c);
        return 1;
    }
    auto second = static_cast<unsigned char>(text[i + 1]);
    if (n == 2 && c == 0xc2 && second < 0xa0)
        out += fmt::format("\\u{:04x}", second);  // C1 control
    else
        out.append(text.substr(i, n));
    return n;
}

}  // namespace

std::string visible(std::string_view text) {
    if (is_visible(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    for (size_t i = 0; i < text.size();) i += append_char(out, text, i);
    return out;
}

std::string visible_styled(std::string_view text) {
    std::string out;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') continue;
        size_t end = text.find_first_not_of("0123456789;", i + 2);
        if (end == std::string_view::npos || text[end] != 'm') continue;
        out += visible(text.substr(start, i - start));
        out.append(text.substr(i, end + 1 - i));
        start = end + 1;
        i = end;
    }
    return out + visible(text.substr(start));
}

bool is_visible(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) return false;
            ++i;
            continue;
        }
        size_t n = utf8_length(text, i);
        if (n == 0 || (n == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0))
            return false;
        i += n;
    }
    return true;
}

}  // namespace aegis::util
