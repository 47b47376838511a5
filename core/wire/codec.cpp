// JSON writers that reproduce the two Python serializers byte for byte, format sniffing, and the
// JSON reader (nlohmann's parser behind a depth guard and one-line errors). msgpack is in
// msgpack.cpp.
#include "core/wire/codec.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/util/error.hpp"

namespace aegis::wire {
namespace {

constexpr char k_hex[] = "0123456789abcdef";

// Length of the well-formed UTF-8 sequence at p (Unicode table 3-7) and its code point, or 0.
int utf8_decode(const unsigned char* p, const unsigned char* end, char32_t& cp) {
    const unsigned char b = p[0];
    const auto avail = end - p;
    auto cont = [&](int i, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
        return i < avail && p[i] >= lo && p[i] <= hi;
    };
    if (b >= 0xc2 && b <= 0xdf && cont(1)) {
        cp = (char32_t(b & 0x1f) << 6) | (p[1] & 0x3f);
        return 2;
    }
    if (b >= 0xe0 && b <= 0xef) {
        const unsigned char lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
        if (!cont(1, lo, hi) || !cont(2)) return 0;
        cp = (char32_t(b & 0x0f) << 12) | (char32_t(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
        return 3;
    }
    if (b >= 0xf0 && b <= 0xf4) {
        const unsigned char lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
        if (!cont(1, lo, hi) || !cont(2) || !cont(3)) return 0;
        cp = (char32_t(b & 0x07) << 18) | (char32_t(p[1] & 0x3f) << 12) |
             (char32_t(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
        return 4;
    }
    return 0;
}

// Which of the two Python JSON serializers to imitate.
enum class Style {
    // Envelopes (pydantic-core 2.13): raw UTF-8; floats fixed from 1e-5 up to 1e16, else 1e+16,
    // 1.5e-7 (checked against pydantic 2.13.4).
    pydantic,
    // KV values (json.dumps): ASCII only; floats as repr() writes them: fixed from 1e-4 up to
    // 1e16, else 1e+16, 1.5e-07.
    python,
};

// A finite double in the shortest form that reads back exactly, laid out like the chosen style.
void append_double(std::string& out, double d, Style style) {
    if (!std::isfinite(d)) {
        out += "null";  // pydantic's default; json.dumps' NaN/Infinity is not JSON
        return;
    }
    char sci[32];
    const char* end = std::to_chars(sci, sci + sizeof sci, d, std::chars_format::scientific).ptr;
    const char* p = sci;
    if (*p == '-') out.push_back(*p++);
    char digits[24];
    int n = 0;
    for (; *p != 'e'; ++p)
        if (*p != '.') digits[n++] = *p;
    int exp10 = 0;
    std::from_chars(p + (p[1] == '+' ? 2 : 1), end, exp10);
    const int point = exp10 + 1;  // digits[0..point) are the integer part
    const int min_point = style == Style::python ? -3 : -4;
    if (point >= min_point && point <= 16) {
        if (point <= 0) {
            out.append("0.").append(static_cast<std::size_t>(-point), '0').append(digits, n);
        } else if (point >= n) {
            out.append(digits, n).append(static_cast<std::size_t>(point - n), '0').append(".0");
        } else {
            out.append(digits, point).append(".").append(digits + point, n - point);
        }
        return;
    }
    out.push_back(digits[0]);
    if (n > 1) out.append(".").append(digits + 1, n - 1);
    // Both write the exponent's sign; only repr() pads it to two digits.
    out.push_back('e');
    out.push_back(exp10 < 0 ? '-' : '+');
    const int magnitude = exp10 < 0 ? -exp10 : exp10;
    if (style == Style::python && magnitude < 10) out.push_back('0');
    char buf[4];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, magnitude).ptr);
}

class JsonWriter {
public:
    JsonWriter(std::string& out, Style style) : m_out(out), m_style(style) {}

    void value(const Json& v) {
        switch (v.type()) {
        case Json::value_t::null:
        case Json::value_t::discarded: m_out += "null"; break;
        case Json::value_t::boolean: m_out += v.get_ref<const bool&>() ? "true" : "false"; break;
        case Json::value_t::number_unsigned: integer(v.get_ref<const std::uint64_t&>()); break;
        case Json::value_t::number_integer: integer(v.get_ref<const std::int64_t&>()); break;
        case Json::value_t::number_float:
            append_double(m_out, v.get_ref<const double&>(), m_style);
            break;
        case Json::value_t::string: string(v.get_ref<const std::string&>()); break;
        case Json::value_t::array: array(v.get_ref<const Json::array_t&>()); break;
        case Json::value_t::object: object(v.get_ref<const Json::object_t&>()); break;
        case Json::value_t::binary: binary(v.get_binary()); break;
        }
    }

private:
    template <class Int>
    void integer(Int i) {
        char buf[24];
        m_out.append(buf, std::to_chars(buf, buf + sizeof buf, i).ptr);
    }

    void array(const Json::array_t& a) {
        m_out.push_back('[');
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i != 0) m_out.push_back(',');
            value(a[i]);
        }
        m_out.push_back(']');
    }

    void object(const Json::object_t& m) {
        m_out.push_back('{');
        bool first = true;
        for (const auto& [key, item] : m) {
            if (!first) m_out.push_back(',');
            first = false;
            string(key);
            m_out.push_back(':');
            value(item);
        }
        m_out.push_back('}');
    }

    // Bytes that never came from a JSON or msgpack str; written as a (lossy) string.
    void binary(const Json::binary_t& b) {
        string({reinterpret_cast<const char*>(b.data()), b.size()});
    }

    void escape_unit(char32_t u) {
        const char e[6] = {'\\', 'u', k_hex[(u >> 12) & 0xf], k_hex[(u >> 8) & 0xf],
                           k_hex[(u >> 4) & 0xf], k_hex[u & 0xf]};
        m_out.append(e, 6);
    }

    // The ASCII escapes both Python serializers use, or false for a byte written as is.
    bool escape_ascii(unsigned char c) {
        switch (c) {
        case '"': m_out += "\\\""; return true;
        case '\\': m_out += "\\\\"; return true;
        case '\n': m_out += "\\n"; return true;
        case '\r': m_out += "\\r"; return true;
        case '\t': m_out += "\\t"; return true;
        case '\b': m_out += "\\b"; return true;
        case '\f': m_out += "\\f"; return true;
        default: break;
        }
        // json.dumps(ensure_ascii=True) escapes everything outside ' '..'~', DEL included.
        if (c < 0x20 || (c == 0x7f && m_style == Style::python)) {
            escape_unit(c);
            return true;
        }
        return false;
    }

    // One byte or sequence that is not copied as is: an ASCII escape, a \u escape of non-ASCII
    // text (a surrogate pair above U+FFFF) in python style, or U+FFFD for ill-formed bytes
    // (possible only in a tolerated msgpack bin; never a throw). Returns the bytes consumed.
    std::size_t special(const unsigned char* p, const unsigned char* end) {
        if (*p < 0x80) {
            if (!escape_ascii(*p)) m_out.push_back(static_cast<char>(*p));
            return 1;
        }
        char32_t cp = 0xfffd;
        const int len = utf8_decode(p, end, cp);
        if (len == 0) cp = 0xfffd;
        if (m_style == Style::pydantic) m_out += "\xef\xbf\xbd";
        else if (cp < 0x10000) escape_unit(cp);
        else {
            escape_unit(0xd800 + ((cp - 0x10000) >> 10));
            escape_unit(0xdc00 + ((cp - 0x10000) & 0x3ff));
        }
        return len > 0 ? static_cast<std::size_t>(len) : 1;
    }

    void string(std::string_view s) {
        m_out.push_back('"');
        const auto* p = reinterpret_cast<const unsigned char*>(s.data());
        const auto* end = p + s.size();
        const auto* run = p;  // start of the bytes not yet copied
        while (p < end) {
            const unsigned char c = *p;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                ++p;
                continue;
            }
            if (c >= 0x80 && m_style == Style::pydantic) {
                char32_t cp;
                const int len = utf8_decode(p, end, cp);
                if (len > 0) {
                    p += len;
                    continue;
                }
            }
            m_out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
            p += special(p, end);
            run = p;
        }
        m_out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(end - run));
        m_out.push_back('"');
    }

    std::string& m_out;
    Style m_style;
};

std::string write_json(const Json& value, Style style) {
    std::string out;
    out.reserve(256);
    JsonWriter(out, style).value(value);
    return out;
}

// nlohmann's parser does not limit depth, but our writers recurse: count brackets first. Input
// too short to nest that deep skips the scan.
void check_json_depth(std::string_view data) {
    if (data.size() <= static_cast<std::size_t>(k_max_nesting)) return;
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > k_max_nesting)
                throw DataError(fmt::format("malformed JSON: nested deeper than {} levels",
                                            k_max_nesting));
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

// "[json.exception.parse_error.101] parse error at ..." -> "parse error at ...".
std::string_view without_exception_id(std::string_view what) {
    if (!what.empty() && what.front() == '[') {
        const auto close = what.find("] ");
        if (close != std::string_view::npos) what.remove_prefix(close + 2);
    }
    return what;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

Format sniff(std::string_view data) noexcept {
    if (data.empty()) return Format::json;
    const auto b = static_cast<unsigned char>(data.front());
    return (b >= 0x80 && b <= 0x9f) || (b >= 0xc0 && b <= 0xdf) ? Format::msgpack : Format::json;
}

const char* format_name(Format f) noexcept { return f == Format::msgpack ? "msgpack" : "json"; }

bool valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        // Eight ASCII bytes at a time: most of what we validate is ASCII.
        std::uint64_t word;
        while (end - p >= 8 && (std::memcpy(&word, p, 8), (word & 0x8080808080808080ull) == 0))
            p += 8;
        if (p == end) break;
        if (*p < 0x80) {
            ++p;
            continue;
        }
        char32_t cp;
        const int len = utf8_decode(p, end, cp);
        if (len == 0) return false;
        p += len;
    }
    return true;
}

std::string to_json(const Json& value) { return write_json(value, Style::pydantic); }

std::string to_json_ascii(const Json& value) { return write_json(value, Style::python); }

Json from_json(std::string_view data) {
    check_json_depth(data);
    try {
        return Json::parse(data.begin(), data.end());
    } catch (const Json::exception& e) {
        throw DataError(fmt::format("malformed JSON: {}", without_exception_id(e.what())));
    }
}

Json decode(std::string_view data) {
    std::size_t first = 0;
    while (first < data.size() && is_json_space(data[first])) ++first;
    if (first == data.size()) throw DataError("empty message: nothing to decode");
    return sniff(data) == Format::msgpack ? from_msgpack(data) : from_json(data);
}

std::string encode(const Json& value, Format f) {
    return f == Format::msgpack ? to_msgpack(value) : to_json(value);
}

}  // namespace aegis::wire
