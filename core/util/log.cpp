#include "core/util/log.hpp"
#include <fmt/format.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>

#include "core/util/visible.hpp"

namespace aegis::log {

namespace {
std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_color{false};
std::atomic<bool> g_notes{true};
std::mutex g_write;

const char* name(Level l) {
    switch (l) {
    case Level::trace: return "TRACE";
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO ";
    case Level::warn: return "WARN ";
    case Level::error: return "ERROR";
    default: return "";
    }
}

const char* color(Level l) {
    switch (l) {
    case Level::warn: return "\033[33m";
    case Level::error: return "\033[31m";
    case Level::debug:
    case Level::trace: return "\033[2m";
    default: return "";
    }
}
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }
void set_color(bool on) { g_color = on; }
void set_notes(bool on) { g_notes = on; }
bool notes() { return g_notes; }

void init_from_env() {
    const char* v = std::getenv("AEGIS_LOG");
    if (!v) return;
    std::string s(v);
    if (s == "trace") set_level(Level::trace);
    else if (s == "debug") set_level(Level::debug);
    else if (s == "info") set_level(Level::info);
    else if (s == "warn") set_level(Level::warn);
    else if (s == "error") set_level(Level::error);
    else if (s == "off") set_level(Level::off);
}

void write(Level l, std::string_view text) {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[16];
    std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
    // Only a coloured level (warn, error, debug) needs the reset; an info line has none to end.
    // Log lines quote what came from the network (names, messages, payloads): never raw.
    const char* on = g_color.load() ? color(l) : "";
    std::string line = fmt::format("{}{}.{:03d} {} {}{}\n", on, stamp, ms, name(l),
                                   util::visible(text), *on ? "\033[0m" : "");
    std::lock_guard lock(g_write);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

}  // namespace aegis::log
