// Timestamp formatting and parsing (docs/protocol.md §2.6). Civil dates come from <chrono>'s
// calendar arithmetic rather than gmtime_r/timegm: it is pure arithmetic, while glibc's gmtime_r
// takes the process-wide tz lock, and iso_now() runs for every envelope we send.
#include "core/wire/timefmt.hpp"
#include <optional>
#include <chrono>
#include <string>

#include <cmath>
#include <cstdint>

#include "core/util/error.hpp"

namespace aegis::wire {
namespace {

using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Writes `v` as exactly `n` decimal digits, zero padded.
char* put_digits(char* out, std::int64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    return out + n;
}

// Writes "YYYY-MM-DDTHH:MM:SS" for t floored to microseconds; returns the end of the text and
// stores the microseconds within the second. Years are always 4 digits: a nanosecond
// system_clock spans 1678–2262.
char* put_date_time(char* out, SysTime t, std::int64_t& micros) {
    const auto us = std::chrono::floor<microseconds>(t.time_since_epoch());
    const auto day = std::chrono::floor<days>(us);
    const std::chrono::year_month_day ymd{std::chrono::sys_days{day}};
    const std::int64_t in_day = (us - day).count();
    const std::int64_t secs = in_day / 1'000'000;
    micros = in_day % 1'000'000;
    out = put_digits(out, static_cast<int>(ymd.year()), 4);
    *out++ = '-';
    out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
    *out++ = '-';
    out = put_digits(out, static_cast<unsigned>(ymd.day()), 2);
    *out++ = 'T';
    out = put_digits(out, secs / 3600, 2);
    *out++ = ':';
    out = put_digits(out, secs / 60 % 60, 2);
    *out++ = ':';
    return put_digits(out, secs % 60, 2);
}

char* put_text(char* out, std::string_view text) {
    for (char c : text) *out++ = c;
    return out;
}

// A cursor over timestamp text; every reader returns false without consuming on mismatch.
struct Cursor {
    std::string_view text;
    std::size_t pos = 0;

    bool at_end() const { return pos == text.size(); }
    bool peek(char c) const { return pos < text.size() && text[pos] == c; }
    bool literal(char c) {
        if (!peek(c)) return false;
        ++pos;
        return true;
    }
    bool digit_at(std::size_t i) const {
        return i < text.size() && text[i] >= '0' && text[i] <= '9';
    }
    bool number(int n, int& out) {
        int v = 0;
        for (int i = 0; i < n; ++i) {
            if (!digit_at(pos + static_cast<std::size_t>(i))) return false;
            v = v * 10 + (text[pos + static_cast<std::size_t>(i)] - '0');
        }
        pos += static_cast<std::size_t>(n);
        out = v;
        return true;
    }
    // One or more digits; the first nine are kept (nanoseconds), the rest ignored as Python does.
    bool fraction(nanoseconds& out) {
        std::int64_t v = 0;
        int n = 0;
        for (; digit_at(pos); ++pos, ++n)
            if (n < 9) v = v * 10 + (text[pos] - '0');
        if (n == 0) return false;
        for (int i = n; i < 9; ++i) v *= 10;
        out = nanoseconds{v};
        return true;
    }
    // End of text (naive = UTC), 'Z', or an offset in any form Python 3.11 reads: ±HH,
    // ±HH[:]MM, ±HH[:]MM[:]SS. Stores the offset east of UTC.
    bool offset(seconds& out) {
        out = seconds{0};
        if (at_end()) return true;
        if (literal('Z')) return at_end();
        const bool east = peek('+');
        if (!literal('+') && !literal('-')) return false;
        int hh = 0, mm = 0, ss = 0;
        if (!number(2, hh)) return false;
        if (!at_end()) {
            literal(':');
            if (!number(2, mm)) return false;
        }
        if (!at_end()) {
            literal(':');
            if (!number(2, ss)) return false;
        }
        if (hh > 23 || mm > 59 || ss > 59) return false;
        out = seconds{((hh * 60 + mm) * 60 + ss) * (east ? 1 : -1)};
        return at_end();
    }
};

struct CivilFields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

bool parse_fields(Cursor& c, CivilFields& f) {
    if (!c.number(4, f.year) || !c.literal('-') || !c.number(2, f.month) || !c.literal('-') ||
        !c.number(2, f.day))
        return false;
    if (!c.literal('T') && !c.literal(' ')) return false;
    if (!c.number(2, f.hour) || !c.literal(':') || !c.number(2, f.minute) || !c.literal(':') ||
        !c.number(2, f.second))
        return false;
    return f.hour <= 23 && f.minute <= 59 && f.second <= 59;
}

}  // namespace

void iso_timestamp_to(char* out, SysTime t) {
    std::int64_t us = 0;
    char* p = put_date_time(out, t, us);
    *p++ = '.';
    p = put_digits(p, us, 6);
    put_text(p, "+00:00");
}

std::string iso_timestamp(SysTime t) {
    std::string out(k_iso_timestamp_size, '\0');
    iso_timestamp_to(out.data(), t);
    return out;
}

std::string iso_now() { return iso_timestamp(std::chrono::system_clock::now()); }

std::string python_isoformat(SysTime t) {
    char buf[40];
    std::int64_t us = 0;
    char* p = put_date_time(buf, t, us);
    if (us != 0) {
        *p++ = '.';
        p = put_digits(p, us, 6);
    }
    p = put_text(p, "+00:00");
    return {buf, p};
}

std::string pydantic_timestamp(SysTime t) {
    char buf[40];
    std::int64_t us = 0;
    char* p = put_date_time(buf, t, us);
    if (us != 0) {  // all six digits, untrimmed (checked against pydantic 2.13.4)
        *p++ = '.';
        p = put_digits(p, us, 6);
    }
    *p++ = 'Z';
    return {buf, p};
}

std::string rfc3339_ms(SysTime t) {
    char buf[40];
    std::int64_t us = 0;
    char* p = put_date_time(buf, t, us);
    *p++ = '.';
    p = put_digits(p, us / 1000, 3);
    *p++ = 'Z';
    return {buf, p};
}

// Whole microseconds divided once, as Python's datetime.timestamp() does, so the golden values
// (1754561730.123456) come out bit-identical.
double epoch_seconds(SysTime t) {
    const auto us = std::chrono::floor<microseconds>(t.time_since_epoch()).count();
    return static_cast<double>(us) / 1e6;
}

// Rounded to the microsecond, half to even, like datetime.fromtimestamp().
SysTime from_epoch_seconds(double s) {
    // A nanosecond system_clock holds about ±292 years around 1970.
    if (!std::isfinite(s) || std::fabs(s) > 9.0e9)
        throw DataError("epoch seconds out of range: " + std::to_string(s));
    double whole = 0;
    const double frac = std::modf(s, &whole);
    const auto us = static_cast<std::int64_t>(std::nearbyint(frac * 1e6));
    const auto total = microseconds{static_cast<std::int64_t>(whole) * 1'000'000 + us};
    return SysTime{std::chrono::duration_cast<SysTime::duration>(total)};
}

std::optional<SysTime> parse_timestamp(std::string_view text) {
    Cursor c{text};
    CivilFields f;
    if (!parse_fields(c, f)) return std::nullopt;
    nanoseconds frac{0};
    if (c.literal('.') && !c.fraction(frac)) return std::nullopt;
    seconds offset{0};
    if (!c.offset(offset)) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{f.year},
                                          std::chrono::month{static_cast<unsigned>(f.month)},
                                          std::chrono::day{static_cast<unsigned>(f.day)}};
    if (!ymd.ok()) return std::nullopt;
    const auto secs = std::chrono::sys_days{ymd}.time_since_epoch() + std::chrono::hours{f.hour} +
                      std::chrono::minutes{f.minute} + seconds{f.second} - offset;
    // Outside what a nanosecond time_point can hold.
    if (secs.count() > 9'000'000'000LL || secs.count() < -9'000'000'000LL) return std::nullopt;
    return SysTime{std::chrono::duration_cast<SysTime::duration>(secs + frac)};
}

}  // namespace aegis::wire
