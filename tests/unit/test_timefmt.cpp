// Timestamp formats of docs/protocol.md §2.6.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <string>

#include "core/util/error.hpp"
#include "core/wire/timefmt.hpp"

using namespace aegis::wire;
using namespace std::chrono;

namespace {

// 2025-08-07T10:15:30Z plus `extra`.
SysTime golden(nanoseconds extra = nanoseconds{0}) {
    return SysTime{duration_cast<SysTime::duration>(seconds{1754561730} + extra)};
}

std::int64_t epoch_ns(const std::optional<SysTime>& t) {
    REQUIRE(t.has_value());
    return duration_cast<nanoseconds>(t->time_since_epoch()).count();
}

}  // namespace

TEST_CASE("iso_timestamp always writes six fraction digits and +00:00", "[timefmt]") {
    CHECK(iso_timestamp(golden(microseconds{123456})) == "2025-08-07T10:15:30.123456+00:00");
    CHECK(iso_timestamp(golden()) == "2025-08-07T10:15:30.000000+00:00");
    CHECK(iso_timestamp(golden(nanoseconds{999})) ==
          "2025-08-07T10:15:30.000000+00:00");  // floored
    CHECK(iso_timestamp(SysTime{}) == "1970-01-01T00:00:00.000000+00:00");
    // Before 1970 the floor still goes down, as Python's datetime does.
    CHECK(iso_timestamp(SysTime{} - microseconds{1}) == "1969-12-31T23:59:59.999999+00:00");
    CHECK(iso_timestamp(SysTime{} + days{19577} + hours{23} + minutes{59} + seconds{59}) ==
          "2023-08-08T23:59:59.000000+00:00");
    CHECK(iso_timestamp(SysTime{} + days{11016}) == "2000-02-29T00:00:00.000000+00:00");
}

TEST_CASE("python_isoformat omits a zero fraction", "[timefmt]") {
    CHECK(python_isoformat(golden()) == "2025-08-07T10:15:30+00:00");
    CHECK(python_isoformat(golden(milliseconds{500})) == "2025-08-07T10:15:30.500000+00:00");
    CHECK(python_isoformat(golden(microseconds{1})) == "2025-08-07T10:15:30.000001+00:00");
}

// Outputs as pydantic 2.13.4 writes them (TypeAdapter(datetime).dump_json).
TEST_CASE("pydantic_timestamp omits only a zero fraction and ends with Z", "[timefmt]") {
    CHECK(pydantic_timestamp(golden()) == "2025-08-07T10:15:30Z");
    CHECK(pydantic_timestamp(golden(milliseconds{500})) == "2025-08-07T10:15:30.500000Z");
    CHECK(pydantic_timestamp(golden(microseconds{123450})) == "2025-08-07T10:15:30.123450Z");
    CHECK(pydantic_timestamp(golden(microseconds{1})) == "2025-08-07T10:15:30.000001Z");
}

TEST_CASE("rfc3339_ms writes milliseconds and Z", "[timefmt]") {
    CHECK(rfc3339_ms(golden(microseconds{123999})) == "2025-08-07T10:15:30.123Z");
    CHECK(rfc3339_ms(golden()) == "2025-08-07T10:15:30.000Z");
}

TEST_CASE("epoch seconds match Python's datetime.timestamp / fromtimestamp", "[timefmt]") {
    CHECK(epoch_seconds(golden(microseconds{123456})) == 1754561730.123456);
    CHECK(epoch_seconds(golden()) == 1754561730.0);
    CHECK(epoch_seconds(SysTime{} - microseconds{500000}) == -0.5);
    CHECK(from_epoch_seconds(1754561730.123456) == golden(microseconds{123456}));
    CHECK(from_epoch_seconds(1754561940.0) == SysTime{seconds{1754561940}});
    CHECK(from_epoch_seconds(-0.5) == SysTime{} - milliseconds{500});
    CHECK(from_epoch_seconds(0.9999996) == SysTime{seconds{1}});  // rounds up into the next second
    for (std::int64_t us : {0LL, 1LL, 999999LL, 123456LL, 500000LL}) {
        const SysTime t = golden(microseconds{us});
        CHECK(from_epoch_seconds(epoch_seconds(t)) == t);
    }
    CHECK_THROWS_AS(from_epoch_seconds(std::nan("")), aegis::DataError);
    CHECK_THROWS_AS(from_epoch_seconds(1e300), aegis::DataError);
}

TEST_CASE("parse_timestamp accepts the forms Python readers accept", "[timefmt]") {
    const std::int64_t base = 1754561730LL * 1'000'000'000;
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30.123456+00:00")) == base + 123456000);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30.123456Z")) == base + 123456000);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30Z")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30")) == base);  // naive = UTC
    CHECK(epoch_ns(parse_timestamp("2025-08-07 10:15:30+00:00")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T18:15:30.5+08:00")) == base + 500000000);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T05:45:30-04:30")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T18:15:30+0800")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T18:15:30+08")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T18:15:31+08:00:01")) == base);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30.123456789Z")) == base + 123456789);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30.1234567891Z")) == base + 123456789);
    CHECK(epoch_ns(parse_timestamp("2025-08-07T10:15:30.1Z")) == base + 100000000);
    CHECK(epoch_ns(parse_timestamp("2024-02-29T00:00:00Z")) == 1709164800LL * 1'000'000'000);
}

TEST_CASE("parse_timestamp round-trips every format we write", "[timefmt]") {
    const SysTime t = golden(microseconds{250000});
    CHECK(parse_timestamp(iso_timestamp(t)) == t);
    CHECK(parse_timestamp(python_isoformat(t)) == t);
    CHECK(parse_timestamp(pydantic_timestamp(t)) == t);
    CHECK(parse_timestamp(rfc3339_ms(t)) == t);
    const auto now = system_clock::now();
    const auto parsed = parse_timestamp(iso_now());
    REQUIRE(parsed.has_value());
    CHECK(std::chrono::abs(*parsed - now) < seconds{5});
}

TEST_CASE("parse_timestamp refuses garbage", "[timefmt]") {
    for (const char* bad : {"",
                            "garbage",
                            "2025-08-07",
                            "2025-08-07T10:15:30.",
                            "2025-08-07T10:15:30.Z",
                            "2025-08-07X10:15:30",
                            "2025-8-07T10:15:30",
                            "2025-13-07T10:15:30",
                            "2025-02-30T10:15:30",
                            "2023-02-29T00:00:00",
                            "2025-08-07T24:00:00",
                            "2025-08-07T10:60:00",
                            "2025-08-07T10:15:60",
                            "2025-08-07T10:15:30+24:00",
                            "2025-08-07T10:15:30+8",
                            "2025-08-07T10:15:30Zx",
                            "2025-08-07T10:15:30 ",
                            " 2025-08-07T10:15:30",
                            "2025-08-07T10:15:30z",
                            "1754561730",
                            "9999-12-31T23:59:59Z",
                            "2025-08-07T10:15:30+08:00:0",
                            "2025-08-07T10:15:30+08:61"}) {
        INFO("'" << bad << "'");
        CHECK_FALSE(parse_timestamp(bad).has_value());
    }
}
