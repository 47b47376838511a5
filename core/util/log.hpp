#pragma once
// Levelled logging to stderr (stdout carries only results). Level from -v/-q or AEGIS_LOG.
#include <fmt/format.h>

#include <string_view>

namespace aegis::log {

enum class Level { trace = 0, debug = 1, info = 2, warn = 3, error = 4, off = 5 };

void set_level(Level l);
Level level();
// AEGIS_LOG=trace|debug|info|warn|error|off; unknown values leave the level alone.
void init_from_env();
void set_color(bool on);
void write(Level l, std::string_view text);

// Notes: one-off lines for the person at the terminal (which server "auto" resolution used),
// written at info level. Off beside machine-readable output (--json), where stderr carries
// errors only; -q hides them with every info line.
void set_notes(bool on);
bool notes();

template <class... A>
void at(Level l, fmt::format_string<A...> f, A&&... a) {
    if (l >= level()) write(l, fmt::format(f, std::forward<A>(a)...));
}
template <class... A>
void trace(fmt::format_string<A...> f, A&&... a) { at(Level::trace, f, std::forward<A>(a)...); }
template <class... A>
void debug(fmt::format_string<A...> f, A&&... a) { at(Level::debug, f, std::forward<A>(a)...); }
template <class... A>
void info(fmt::format_string<A...> f, A&&... a) { at(Level::info, f, std::forward<A>(a)...); }
template <class... A>
void warn(fmt::format_string<A...> f, A&&... a) { at(Level::warn, f, std::forward<A>(a)...); }
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) { at(Level::error, f, std::forward<A>(a)...); }

template <class... A>
void note(fmt::format_string<A...> f, A&&... a) {
    if (notes()) info(f, std::forward<A>(a)...);
}

}  // namespace aegis::log
