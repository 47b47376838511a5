#include "core/output/style.hpp"
#include <string>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "core/util/error.hpp"

namespace aegis::output {

ColorMode parse_color_mode(std::string_view s) {
    if (s == "auto") return ColorMode::auto_;
    if (s == "always") return ColorMode::always;
    if (s == "never") return ColorMode::never;
    throw UsageError("--color must be auto, always or never, not '" + std::string(s) + "'");
}

bool is_tty(int fd) { return isatty(fd) == 1; }

bool use_color(ColorMode mode, int fd) {
    if (mode == ColorMode::always) return true;
    if (mode == ColorMode::never) return false;
    const char* nc = std::getenv("NO_COLOR");
    if (nc && *nc) return false;
    const char* term = std::getenv("TERM");
    if (term && std::string_view(term) == "dumb") return false;
    return is_tty(fd);
}

int terminal_width(int fd, int fallback) {
    struct winsize ws {};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    if (const char* c = std::getenv("COLUMNS")) {
        int n = std::atoi(c);
        if (n > 0) return n;
    }
    return fallback;
}

std::string Style::wrap(std::string_view code, std::string_view text) const {
    if (!color) return std::string(text);
    std::string out;
    out.reserve(text.size() + 10);
    out.append("\033[").append(code).append("m").append(text).append("\033[0m");
    return out;
}

namespace {

void pretty(const Json& v, const Style& s, int indent, std::string& out) {
    std::string pad(static_cast<size_t>(indent) * 2, ' ');
    if (v.is_object()) {
        if (v.empty()) {
            out += "{}";
            return;
        }
        out += "{\n";
        size_t i = 0;
        for (auto it = v.begin(); it != v.end(); ++it, ++i) {
            out += pad + "  " + s.blue(Json(it.key()).dump()) + ": ";
            pretty(it.value(), s, indent + 1, out);
            out += i + 1 < v.size() ? ",\n" : "\n";
        }
        out += pad + "}";
    } else if (v.is_array()) {
        if (v.empty()) {
            out += "[]";
            return;
        }
        out += "[\n";
        for (size_t i = 0; i < v.size(); ++i) {
            out += pad + "  ";
            pretty(v[i], s, indent + 1, out);
            out += i + 1 < v.size() ? ",\n" : "\n";
        }
        out += pad + "]";
    } else if (v.is_string()) {
        out += s.green(v.dump(-1, ' ', false, Json::error_handler_t::replace));
    } else if (v.is_number()) {
        out += s.cyan(v.dump());
    } else if (v.is_boolean()) {
        out += s.yellow(v.dump());
    } else {
        out += s.dim(v.dump());
    }
}

}  // namespace

std::string pretty_json(const Json& v, const Style& style) {
    std::string out;
    pretty(v, style, 0, out);
    return out;
}

size_t display_width(std::string_view s) {
    size_t w = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == 0x1b) {  // skip an ANSI CSI sequence
            while (i < s.size() && s[i] != 'm') ++i;
            continue;
        }
        if ((c & 0xC0) != 0x80) ++w;
    }
    return w;
}

}  // namespace aegis::output
