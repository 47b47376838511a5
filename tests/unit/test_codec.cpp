// MessagePack / JSON codec: exact encodings, Python float and escape formats, tolerant and
// hostile input.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::unhex;

using aegis::DataError;
using aegis::Json;
using namespace aegis::wire;

namespace {

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xf]);
    }
    return out;
}

// Decoding `bytes` must throw a one-line DataError.
void require_data_error(const std::string& bytes, Json (*decoder)(std::string_view)) {
    try {
        decoder(bytes);
        FAIL("no DataError for " << hex(bytes));
    } catch (const DataError& e) {
        const std::string what = e.what();
        CHECK_FALSE(what.empty());
        CHECK(what.find('\n') == std::string::npos);
    }
}

}  // namespace

TEST_CASE("msgpack integers use the smallest encoding, unsigned when non-negative", "[codec]") {
    const std::pair<Json, const char*> cases[] = {
        {Json(0), "00"},
        {Json(127), "7f"},
        {Json(128), "cc80"},
        {Json(255), "ccff"},
        {Json(256), "cd0100"},
        {Json(65535), "cdffff"},
        {Json(65536), "ce00010000"},
        {Json(std::uint64_t{4294967295u}), "ceffffffff"},
        {Json(std::uint64_t{4294967296u}), "cf0000000100000000"},
        {Json(std::numeric_limits<std::uint64_t>::max()), "cfffffffffffffffff"},
        {Json(-1), "ff"},
        {Json(-32), "e0"},
        {Json(-33), "d0df"},
        {Json(-128), "d080"},
        {Json(-129), "d1ff7f"},
        {Json(-32768), "d18000"},
        {Json(-32769), "d2ffff7fff"},
        {Json(std::int64_t{-2147483649LL}), "d3ffffffff7fffffff"},
        {Json(std::numeric_limits<std::int64_t>::min()), "d38000000000000000"},
    };
    for (const auto& [value, expected] : cases) {
        INFO(value.dump());
        CHECK(hex(to_msgpack(value)) == expected);
        CHECK(from_msgpack(unhex(expected)) == value);
    }
}

TEST_CASE("msgpack floats are always float64", "[codec]") {
    CHECK(hex(to_msgpack(Json(5.0))) == "cb4014000000000000");
    CHECK(hex(to_msgpack(Json(0.5))) == "cb3fe0000000000000");  // fits a float32, still 0xcb
    CHECK(hex(to_msgpack(Json(99.5))) == "cb4058e00000000000");
    CHECK(hex(to_msgpack(Json(1754561880.0))) == "cb41da251f56000000");
    CHECK(from_msgpack(unhex("cb4014000000000000")).is_number_float());
    // float32 input is tolerated and widened.
    const Json f32 = from_msgpack(unhex("ca3fc00000"));
    CHECK(f32.is_number_float());
    CHECK(f32.get<double>() == 1.5);
}

TEST_CASE("msgpack strings are str (fixstr, str8, str16, str32), never bin", "[codec]") {
    CHECK(hex(to_msgpack(Json(""))) == "a0");
    CHECK(hex(to_msgpack(Json("echo"))) == "a46563686f");
    const auto header = [](std::size_t n) {
        return hex(to_msgpack(Json(std::string(n, 'x')))).substr(0, 10);
    };
    CHECK(header(31).substr(0, 2) == "bf");
    CHECK(header(32).substr(0, 4) == "d920");
    CHECK(header(255).substr(0, 4) == "d9ff");
    CHECK(header(256).substr(0, 6) == "da0100");
    CHECK(header(65535).substr(0, 6) == "daffff");
    CHECK(header(65536).substr(0, 10) == "db00010000");
    for (std::size_t n : {0u, 31u, 32u, 255u, 256u, 65536u}) {
        const Json s(std::string(n, 'y'));
        CHECK(from_msgpack(to_msgpack(s)) == s);
    }
    CHECK(hex(to_msgpack(Json("h\xc3\xa9"))) == "a368c3a9");  // UTF-8 bytes, length in bytes
}

TEST_CASE("msgpack containers keep insertion order and pick the smallest header", "[codec]") {
    Json m = Json::object();
    m["z"] = 1;
    m["a"] = nullptr;
    m["m"] = Json::array({true, false});
    CHECK(hex(to_msgpack(m)) == "83a17a01a161c0a16d92c3c2");
    const Json back = from_msgpack(to_msgpack(m));
    CHECK(back == m);
    CHECK(back.begin().key() == "z");

    Json a15 = Json::array(), a16 = Json::array(), m15 = Json::object(), m16 = Json::object();
    for (int i = 0; i < 16; ++i) {
        if (i < 15) a15.push_back(i);
        a16.push_back(i);
        if (i < 15) m15["k" + std::to_string(i)] = i;
        m16["k" + std::to_string(i)] = i;
    }
    CHECK(hex(to_msgpack(a15)).substr(0, 2) == "9f");
    CHECK(hex(to_msgpack(a16)).substr(0, 6) == "dc0010");
    CHECK(hex(to_msgpack(m15)).substr(0, 2) == "8f");
    CHECK(hex(to_msgpack(m16)).substr(0, 6) == "de0010");
    CHECK(from_msgpack(to_msgpack(a16)) == a16);
    CHECK(from_msgpack(to_msgpack(m16)) == m16);
    CHECK(hex(to_msgpack(Json::object())) == "80");
    CHECK(hex(to_msgpack(Json::array())) == "90");
}

TEST_CASE("msgpack decoding of the long forms and of bin", "[codec]") {
    CHECK(from_msgpack(unhex("c0")).is_null());
    CHECK(from_msgpack(unhex("c3")) == Json(true));
    CHECK(from_msgpack(unhex("c2")) == Json(false));
    CHECK(from_msgpack(unhex("d0ff")) == Json(-1));
    CHECK(from_msgpack(unhex("d005")) == Json(5));  // a signed format holding a positive value
    CHECK(from_msgpack(unhex("d3fffffffffffffffe")) == Json(-2));
    CHECK(from_msgpack(unhex("da00026869")) == Json("hi"));
    CHECK(from_msgpack(unhex("db000000026869")) == Json("hi"));
    CHECK(from_msgpack(unhex("dc0001c3")) == Json::array({true}));
    CHECK(from_msgpack(unhex("dd00000001c3")) == Json::array({true}));
    CHECK(from_msgpack(unhex("de0001a161c3")) == Json{{"a", true}});
    CHECK(from_msgpack(unhex("df00000001a161c3")) == Json{{"a", true}});
    // bin (Python bytes) stays binary as a value; as a map key it is taken as text.
    const Json hi = Json::binary({'h', 'i'});
    CHECK(from_msgpack(unhex("c4026869")) == hi);
    CHECK(from_msgpack(unhex("c500026869")) == hi);
    CHECK(from_msgpack(unhex("c6000000026869")) == hi);
    CHECK(from_msgpack(unhex("81c40161c40162")) == Json{{"a", Json::binary({'b'})}});
}

TEST_CASE("msgpack bin comes back as bin, never as a str of invalid UTF-8", "[codec]") {
    // {"data": b"a\xffb", "n": [b""]}: decoded and encoded again, byte for byte.
    const std::string packed = unhex("82a464617461c40361ff62a16e91c400");
    const Json v = from_msgpack(packed);
    REQUIRE(v["data"].is_binary());
    CHECK(v["data"] == Json::binary({'a', 0xff, 'b'}));
    CHECK(hex(to_msgpack(v)) == hex(packed));
    // Through the generic codec as well (sniffed, msgpack by default).
    CHECK(hex(encode(decode(packed), Format::msgpack)) == hex(packed));
    // Long forms keep their bytes (re-encoded in the shortest form).
    CHECK(hex(to_msgpack(from_msgpack(unhex("c6000000026869")))) == "c4026869");
}

TEST_CASE("msgpack duplicate keys keep the first position and the last value", "[codec]") {
    // {"a":1,"b":2,"a":3} -> {"a":3,"b":2}, like a Python dict.
    const Json small = from_msgpack(unhex("83a16101a16202a16103"));
    CHECK(small.dump() == R"({"a":3,"b":2})");
    // The same through the hashed path of maps with more than 16 entries.
    std::string big = unhex("de0012");
    for (int i = 0; i < 17; ++i)
        big += unhex("a2") + "k" + static_cast<char>('a' + i) + unhex("01");
    big += unhex("a26b6105");  // "ka": 5 again
    const Json decoded = from_msgpack(big);
    CHECK(decoded.size() == 17);
    CHECK(decoded.begin().key() == "ka");
    CHECK(decoded["ka"] == 5);
}

TEST_CASE("malformed msgpack is a one-line DataError, never a crash", "[codec]") {
    require_data_error("", from_msgpack);
    // Every strict prefix of a real envelope is truncated.
    const std::string request = to_msgpack(Json{{"method", "echo"}, {"params", {{"x", 1.5}}}});
    for (std::size_t n = 1; n < request.size(); ++n)
        require_data_error(request.substr(0, n), from_msgpack);
    // ext and fixext types, the reserved byte.
    for (const char* ext : {"c70101ff", "c8000101ff", "c90000000101ff", "d401ff", "d501ffff",
                            "d601ffffffff", "d701ffffffffffffffff",
                            "d801"
                            "00000000000000000000000000000000",
                            "c1"}) {
        require_data_error(unhex(ext), from_msgpack);
    }
    require_data_error(unhex("c0c0"), from_msgpack);          // trailing bytes
    require_data_error(unhex("a2c328"), from_msgpack);        // str with invalid UTF-8
    require_data_error(unhex("8101c0"), from_msgpack);        // int map key
    require_data_error(unhex("dbffffffff61"), from_msgpack);  // 4 GiB string announced
    require_data_error(unhex("ddffffffff"), from_msgpack);    // 4 G items announced
    require_data_error(unhex("dfffffffff"), from_msgpack);
    CHECK_THROWS_WITH(from_msgpack(unhex("c7010100")), Catch::Contains("ext type 0xc7"));
    CHECK_THROWS_WITH(from_msgpack(unhex("a5abc")), Catch::Contains("truncated"));
}

TEST_CASE("nesting is limited in both decoders", "[codec]") {
    const auto nested_msgpack = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '\x91') + '\xc0';
    };
    const auto nested_json = [](int depth) {
        return std::string(static_cast<std::size_t>(depth), '[') +
               std::string(static_cast<std::size_t>(depth), ']');
    };
    CHECK(from_msgpack(nested_msgpack(k_max_nesting)).is_array());
    CHECK_THROWS_AS(from_msgpack(nested_msgpack(k_max_nesting + 1)), DataError);
    CHECK_THROWS_AS(from_msgpack(nested_msgpack(100000)), DataError);
    CHECK(from_json(nested_json(k_max_nesting)).is_array());
    CHECK_THROWS_AS(from_json(nested_json(k_max_nesting + 1)), DataError);
    CHECK_THROWS_AS(from_json(nested_json(100000)), DataError);
    // Brackets inside strings do not count.
    const std::string in_string = "[\"" + std::string(2000, '[') + "\"]";
    CHECK(from_json(in_string).at(0).get<std::string>().size() == 2000);
}

// Expected texts are what pydantic 2.13.4 (TypeAdapter(Any).dump_json) and Python 3.11 repr()
// write for these doubles.
TEST_CASE("JSON floats: pydantic style for envelopes, repr() style for KV values", "[codec]") {
    struct Case {
        double value;
        const char* pydantic;
        const char* python;
    };
    const Case cases[] = {
        {5.0, "5.0", "5.0"},
        {0.0, "0.0", "0.0"},
        {-0.0, "-0.0", "-0.0"},
        {99.5, "99.5", "99.5"},
        {0.1, "0.1", "0.1"},
        {1.0 / 3.0, "0.3333333333333333", "0.3333333333333333"},
        {1754561730.123456, "1754561730.123456", "1754561730.123456"},
        {1754561940.0, "1754561940.0", "1754561940.0"},
        {1e15, "1000000000000000.0", "1000000000000000.0"},
        {9007199254740992.0, "9007199254740992.0", "9007199254740992.0"},
        {1e16, "1e+16", "1e+16"},
        {1.5e16, "1.5e+16", "1.5e+16"},
        {1.2345678901234568e17, "1.2345678901234568e+17", "1.2345678901234568e+17"},
        {-2.5e300, "-2.5e+300", "-2.5e+300"},
        {1.7976931348623157e308, "1.7976931348623157e+308", "1.7976931348623157e+308"},
        {0.30000000000000004, "0.30000000000000004", "0.30000000000000004"},
        {0.0001, "0.0001", "0.0001"},
        {0.00001234, "0.00001234", "1.234e-05"},
        {0.00001, "0.00001", "1e-05"},
        {9.99e-5, "0.0000999", "9.99e-05"},
        {1e-6, "1e-6", "1e-06"},
        {1.5e-7, "1.5e-7", "1.5e-07"},
        {2.2250738585072014e-308, "2.2250738585072014e-308", "2.2250738585072014e-308"},
        {5e-324, "5e-324", "5e-324"},
    };
    for (const auto& c : cases) {
        INFO(c.python);
        CHECK(to_json(Json(c.value)) == c.pydantic);
        CHECK(to_json_ascii(Json(c.value)) == c.python);
        CHECK(from_json(c.python).get<double>() == c.value);
        CHECK(from_json(c.pydantic).get<double>() == c.value);
    }
    // Not JSON numbers: written as null (pydantic's default), never NaN.
    CHECK(to_json(Json(std::nan(""))) == "null");
    CHECK(to_json_ascii(Json(std::numeric_limits<double>::infinity())) == "null");
}

TEST_CASE("JSON integers and literals", "[codec]") {
    CHECK(to_json(Json(13)) == "13");
    CHECK(to_json(Json(-7)) == "-7");
    CHECK(to_json(Json(std::numeric_limits<std::uint64_t>::max())) == "18446744073709551615");
    CHECK(to_json(Json(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
    CHECK(to_json(Json(nullptr)) == "null");
    CHECK(to_json(Json(true)) == "true");
    CHECK(to_json(Json{{"a", Json::array({1, false, nullptr})}, {"b", Json::object()}}) ==
          R"({"a":[1,false,null],"b":{}})");
    CHECK(from_json("5").is_number_integer());
    CHECK(from_json("5.0").is_number_float());
}

TEST_CASE("JSON string escaping: raw UTF-8 for envelopes, ASCII for KV values", "[codec]") {
    const Json text("caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \n\r\t\b\f \x01 \x7f");
    CHECK(to_json(text) ==
          "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \\\"q\\\" \\\\ / \\n\\r\\t\\b\\f \\u0001 \x7f\"");
    CHECK(to_json_ascii(text) == R"("caf\u00e9 \ud83d\ude00 \"q\" \\ / \n\r\t\b\f \u0001 \u007f")");
    CHECK(from_json(to_json(text)) == text);
    CHECK(from_json(to_json_ascii(text)) == text);
    CHECK(to_json_ascii(Json{{"n\xc3\xa4me", "\xe2\x82\xac"}}) == R"({"n\u00e4me":"\u20ac"})");
    // Ill-formed bytes (only reachable through a tolerated msgpack bin) become U+FFFD.
    const Json bin = from_msgpack(unhex("c40361ff62"));
    CHECK(to_json(bin) ==
          "\"a\xef\xbf\xbd"
          "b\"");
    CHECK(to_json_ascii(bin) == R"("a\ufffdb")");
}

TEST_CASE("malformed JSON is a one-line DataError", "[codec]") {
    for (const char* bad : {"", "   ", "{", "{'a':1}", "{\"a\":1} x", "[1,]", "nul", "\"\xff\"",
                            "{\"a\":1e999}", "\"unterminated"}) {
        INFO(bad);
        require_data_error(bad, from_json);
    }
    CHECK_THROWS_WITH(from_json("{"), !Catch::Contains("json.exception"));
    CHECK_THROWS_WITH(from_json("{"), Catch::StartsWith("malformed JSON"));
}

TEST_CASE("sniffing follows the first byte exactly as Python does", "[codec]") {
    for (unsigned b = 0; b < 256; ++b) {
        const std::string one(1, static_cast<char>(b));
        const bool msgpack = (b >= 0x80 && b <= 0x9f) || (b >= 0xc0 && b <= 0xdf);
        INFO(b);
        CHECK((sniff(one) == Format::msgpack) == msgpack);
    }
    CHECK(sniff("") == Format::json);
    CHECK(std::string(format_name(Format::msgpack)) == "msgpack");
    CHECK(std::string(format_name(Format::json)) == "json");
}

TEST_CASE("decode sniffs, encode dispatches", "[codec]") {
    const Json v{{"method", "echo"}, {"timeout", 5.0}};
    CHECK(encode(v, Format::json) == R"({"method":"echo","timeout":5.0})");
    CHECK(encode(v, Format::msgpack) == to_msgpack(v));
    CHECK(decode(encode(v, Format::json)) == v);
    CHECK(decode(encode(v, Format::msgpack)) == v);
    CHECK(decode("  {\"a\":1}\n") == Json{{"a", 1}});
    CHECK_THROWS_AS(decode(""), DataError);
    CHECK_THROWS_AS(decode(" \t\r\n"), DataError);
    CHECK_THROWS_AS(decode(unhex("89a1")), DataError);  // sniffed as msgpack, truncated
    CHECK_THROWS_AS(decode("garbage"), DataError);
}

TEST_CASE("valid_utf8 follows Unicode's well-formedness table", "[codec]") {
    CHECK(valid_utf8(""));
    CHECK(valid_utf8("plain ascii text, longer than eight bytes"));
    CHECK(valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"));
    CHECK_FALSE(valid_utf8("\xc0\x80"));          // overlong NUL
    CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong
    CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(valid_utf8("abcdefgh\xc3"));      // truncated after the fast path
    CHECK_FALSE(valid_utf8("\x80"));              // lone continuation
    CHECK_FALSE(valid_utf8("\xff"));
}
