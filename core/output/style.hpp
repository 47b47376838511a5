#pragma once
// Colour policy and terminal facts. Colour only on a TTY, off with NO_COLOR or --color never.
#include <string>
#include <string_view>

#include "core/wire/json.hpp"

namespace aegis::output {

enum class ColorMode { auto_, always, never };

ColorMode parse_color_mode(std::string_view s);  // UsageError on anything else
bool is_tty(int fd);
bool use_color(ColorMode mode, int fd);
int terminal_width(int fd, int fallback = 100);

struct Style {
    bool color = false;
    std::string wrap(std::string_view code, std::string_view text) const;
    std::string bold(std::string_view t) const { return wrap("1", t); }
    std::string dim(std::string_view t) const { return wrap("2", t); }
    std::string red(std::string_view t) const { return wrap("31", t); }
    std::string green(std::string_view t) const { return wrap("32", t); }
    std::string yellow(std::string_view t) const { return wrap("33", t); }
    std::string blue(std::string_view t) const { return wrap("34", t); }
    std::string magenta(std::string_view t) const { return wrap("35", t); }
    std::string cyan(std::string_view t) const { return wrap("36", t); }
};

// Pretty JSON (2-space indent), coloured keys / strings / numbers when style.color.
std::string pretty_json(const Json& v, const Style& style);
// Display width of UTF-8 text without ANSI escapes (one column per code point).
size_t display_width(std::string_view s);

}  // namespace aegis::output
