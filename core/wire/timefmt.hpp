#pragma once
// Timestamp formats of docs/protocol.md §2.6.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace aegis::wire {

using SysTime = std::chrono::system_clock::time_point;

// YYYY-MM-DDTHH:MM:SS.ffffff+00:00 (always 6 fraction digits) — envelopes and registry.
std::string iso_timestamp(SysTime t);
std::string iso_now();
// iso_timestamp(t) written to out[0..32) (no allocation: envelopes on the RPC path).
inline constexpr std::size_t k_iso_timestamp_size = 32;
void iso_timestamp_to(char* out, SysTime t);
// Python isoformat(): the fraction is omitted when microseconds are 0 (for golden tests).
std::string python_isoformat(SysTime t);
// pydantic style for nested datetimes: 2025-08-07T10:19:00Z / 2025-08-07T10:19:00.500000Z
// (pydantic 2.13 writes all six fraction digits; it omits the fraction only when it is 0)
std::string pydantic_timestamp(SysTime t);
// RFC 3339 UTC with milliseconds for aegis's own --json output: 2025-08-07T10:19:00.123Z
std::string rfc3339_ms(SysTime t);
// Epoch seconds as a double (leader value, progress, internal.*).
double epoch_seconds(SysTime t);
SysTime from_epoch_seconds(double s);

// Accepts 'Z' or any ±HH:MM offset (also ±HH, ±HHMM, ±HH:MM:SS as Python does), a missing offset
// (= UTC), 0–9 fraction digits (more are read and truncated, as Python does), 'T' or ' '.
std::optional<SysTime> parse_timestamp(std::string_view text);

}  // namespace aegis::wire
