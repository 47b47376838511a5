#pragma once
// The retry schedule shared by event and command redelivery.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace aegis::service {

// Wait before attempt n+1: base × 2^(n-1), at most 10 s.
inline std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base, int attempt) {
    auto d = base * (int64_t(1) << std::clamp(attempt - 1, 0, 16));
    return std::min<std::chrono::milliseconds>(d, std::chrono::seconds(10));
}

}  // namespace aegis::service
