#pragma once
// Durations as the numbers people read: milliseconds with a fraction.
#include <chrono>

namespace aegis::util {

inline double millis(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace aegis::util
