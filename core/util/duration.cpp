#include "core/util/duration.hpp"
#include <chrono>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/util/error.hpp"

namespace aegis::util {

namespace {

// The unit after the number: none or "s" (seconds), "ms", "m", "h", "d"; 0 for anything else.
double unit_scale(std::string_view unit) {
    if (unit.empty() || unit == "s") return 1;
    if (unit == "ms") return 1e-3;
    if (unit == "m") return 60;
    if (unit == "h") return 3600;
    if (unit == "d") return 86400;
    return 0;
}

}  // namespace

std::chrono::milliseconds parse_seconds(std::string_view text, std::string_view what,
                                        const SecondsRange& range) {
    std::string s(text);
    char* end = nullptr;
    double v = s.empty() ? std::nan("") : std::strtod(s.c_str(), &end);
    double scale = end && end != s.c_str() ? unit_scale(end) : 0;
    v *= scale;
    bool number = scale > 0 && std::isfinite(v);
    bool in_range = number && ((v == 0 && range.zero_ok) || (v >= range.min_s && v <= range.max_s));
    if (!in_range)
        throw UsageError(fmt::format("{} takes seconds{} from {} to {} (e.g. 10, 1.5, 500ms, 2m, "
                                     "1h), not '{}'",
                                     what, range.zero_ok ? " (0 or)" : "", range.min_s,
                                     range.max_s, s));
    if (v == 0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(std::max<long long>(1, std::llround(v * 1000)));
}

std::string seconds_text(std::chrono::milliseconds d) {
    return fmt::format("{:g}", d.count() / 1000.0);
}

}  // namespace aegis::util
