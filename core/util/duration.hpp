#pragma once
// Durations: milliseconds as people read them, and seconds as people type them.
#include <chrono>
#include <string>
#include <string_view>

namespace aegis::util {

inline double millis(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// What a seconds option accepts. Values must be finite numbers within [min_s, max_s]; with
// zero_ok, 0 is accepted too (options where 0 means "never" or "no limit").
struct SecondsRange {
    double min_s = 0.001;
    double max_s = 7 * 24 * 3600.0;
    bool zero_ok = false;
};

// "1.5" → 1500 ms; a unit may follow the number: "500ms", "10s", "2m" (minutes), "1h", "1d". The
// one parser of every duration aegis reads (options, REPL, scenario files). Throws UsageError naming `what` (the option, e.g. "--timeout") for
// text that is not a finite number in range: "nan", "inf", "-1", "1e308", "soon", "5h". A positive
// value below a millisecond counts as one.
std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view what,
                                        const SecondsRange& range = {});
// "1.5" for 1500 ms, "0.25" for 250 ms (--help defaults).
std::string seconds_text(std::chrono::milliseconds d);

}  // namespace aegis::util
