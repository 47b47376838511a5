// MessagePack encoder and decoder (docs/protocol.md §2.2). Our own, not nlohmann's: nlohmann writes
// float32 when a double fits and recurses without a depth limit.
#include <bit>
#include <optional>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/msgpack_io.hpp"

namespace aegis::wire {
namespace {

// Maps with more entries than this check duplicate keys through a hash index instead of a scan.
constexpr std::size_t k_linear_key_scan = 16;

Json signed_value(std::int64_t v) {
    if (v >= 0) return Json(static_cast<std::uint64_t>(v));
    return Json(v);
}

}  // namespace

namespace mp {

void Writer::value(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null: nil(); break;
    case Json::value_t::boolean: boolean(v.get_ref<const bool&>()); break;
    case Json::value_t::number_unsigned: unsigned_int(v.get_ref<const std::uint64_t&>()); break;
    case Json::value_t::number_integer: signed_int(v.get_ref<const std::int64_t&>()); break;
    case Json::value_t::number_float: float64(v.get_ref<const double&>()); break;
    case Json::value_t::string: str(v.get_ref<const std::string&>()); break;
    case Json::value_t::array: array(v.get_ref<const Json::array_t&>()); break;
    case Json::value_t::object: map(v.get_ref<const Json::object_t&>()); break;
    case Json::value_t::binary: bin(v.get_binary()); break;
    case Json::value_t::discarded: nil(); break;
    }
}

// A type byte followed by `v` as a big-endian integer of `size` bytes.
void Writer::tagged(std::uint8_t tag, std::uint64_t v, int size) {
    char buf[9];
    buf[0] = static_cast<char>(tag);
    for (int i = 0; i < size; ++i) buf[1 + i] = static_cast<char>(v >> (8 * (size - 1 - i)));
    m_out.append(buf, static_cast<std::size_t>(size) + 1);
}

// Smallest encoding, unsigned formats for non-negative values, as msgpack-python packs ints.
void Writer::unsigned_int(std::uint64_t v) {
    if (v < 0x80) byte(static_cast<std::uint8_t>(v));
    else if (v <= 0xff) tagged(0xcc, v, 1);
    else if (v <= 0xffff) tagged(0xcd, v, 2);
    else if (v <= 0xffffffff) tagged(0xce, v, 4);
    else tagged(0xcf, v, 8);
}

void Writer::signed_int(std::int64_t v) {
    if (v >= 0) return unsigned_int(static_cast<std::uint64_t>(v));
    const auto bits = static_cast<std::uint64_t>(v);
    if (v >= -32) byte(static_cast<std::uint8_t>(bits));
    else if (v >= INT8_MIN) tagged(0xd0, bits, 1);
    else if (v >= INT16_MIN) tagged(0xd1, bits, 2);
    else if (v >= INT32_MIN) tagged(0xd2, bits, 4);
    else tagged(0xd3, bits, 8);
}

void Writer::length(std::size_t n, std::uint8_t fix, std::size_t fix_max, std::uint8_t tag8,
                    std::uint8_t tag16, const char* what) {
    if (n <= fix_max) byte(static_cast<std::uint8_t>(fix | n));
    else if (tag8 != 0 && n <= 0xff) tagged(tag8, n, 1);
    else if (n <= 0xffff) tagged(tag16, n, 2);
    else if (n <= 0xffffffff) tagged(static_cast<std::uint8_t>(tag16 + 1), n, 4);
    else throw DataError(fmt::format("{} too long for msgpack ({} entries)", what, n));
}

void Writer::str(std::string_view s) {
    length(s.size(), 0xa0, 31, 0xd9, 0xda, "string");
    m_out.append(s);
}

void Writer::map_header(std::size_t n) { length(n, 0x80, 15, 0, 0xde, "map"); }

void Writer::bin(const Json::binary_t& b) {
    if (b.size() <= 0xff) tagged(0xc4, b.size(), 1);
    else if (b.size() <= 0xffff) tagged(0xc5, b.size(), 2);
    else if (b.size() <= 0xffffffff) tagged(0xc6, b.size(), 4);
    else throw DataError("binary value too long for msgpack");
    m_out.append(reinterpret_cast<const char*>(b.data()), b.size());
}

void Writer::array(const Json::array_t& a) {
    length(a.size(), 0x90, 15, 0, 0xdc, "array");
    for (const auto& item : a) value(item);
}

void Writer::map(const Json::object_t& m) {
    map_header(m.size());
    for (const auto& [key, item] : m) {
        str(key);
        value(item);
    }
}

Json Reader::document() {
    if (m_pos == m_end) throw DataError("malformed msgpack: empty input");
    Json v = value(0);
    if (m_pos != m_end) fail(fmt::format("{} trailing bytes", m_end - m_pos));
    return v;
}

void Reader::fail(const std::string& what) const {
    throw DataError(fmt::format("malformed msgpack at byte {}: {}", m_pos - m_begin, what));
}

std::uint8_t Reader::next() {
    if (m_pos == m_end) fail("truncated");
    return *m_pos++;
}

std::uint64_t Reader::big_endian(int size) {
    if (remaining() < static_cast<std::size_t>(size)) fail("truncated");
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | *m_pos++;
    return v;
}

std::string_view Reader::bytes(std::size_t n) {
    if (remaining() < n) fail(fmt::format("truncated ({} bytes announced, {} left)", n,
                                          remaining()));
    std::string_view s(reinterpret_cast<const char*>(m_pos), n);
    m_pos += n;
    return s;
}

// msgpack str must be UTF-8 (Python decodes with raw=False); bin is taken as is.
std::string_view Reader::text(std::size_t n, bool is_str) {
    const auto* start = m_pos;
    std::string_view s = bytes(n);
    if (is_str && !valid_utf8(s)) {
        m_pos = start;
        fail("string is not valid UTF-8");
    }
    return s;
}

std::optional<std::size_t> Reader::try_map_header() {
    if (at_end()) return std::nullopt;
    const std::uint8_t tag = *m_pos;
    if (tag >= 0x80 && tag <= 0x8f) {
        ++m_pos;
        return tag & 0x0fu;
    }
    if (tag != 0xde && tag != 0xdf) return std::nullopt;
    ++m_pos;
    return big_endian(tag == 0xde ? 2 : 4);
}

bool Reader::next_is_map() const {
    if (at_end()) return false;
    const std::uint8_t tag = *m_pos;
    return (tag >= 0x80 && tag <= 0x8f) || tag == 0xde || tag == 0xdf;
}

std::optional<std::string_view> Reader::try_str(bool check_utf8) {
    if (at_end()) return std::nullopt;
    const std::uint8_t tag = *m_pos;
    if (tag >= 0xa0 && tag <= 0xbf) {
        ++m_pos;
        return text(tag & 0x1fu, check_utf8);
    }
    if (tag < 0xd9 || tag > 0xdb) return std::nullopt;
    ++m_pos;
    return text(big_endian(1 << (tag - 0xd9)), check_utf8);
}

bool Reader::try_nil() {
    if (at_end() || *m_pos != 0xc0) return false;
    ++m_pos;
    return true;
}

std::optional<bool> Reader::try_bool() {
    if (at_end() || (*m_pos != 0xc2 && *m_pos != 0xc3)) return std::nullopt;
    return *m_pos++ == 0xc3;
}

std::optional<double> Reader::try_number() {
    if (at_end()) return std::nullopt;
    const std::uint8_t tag = *m_pos;
    const bool number = tag <= 0x7f || tag >= 0xe0 || tag == 0xca || tag == 0xcb ||
                        (tag >= 0xcc && tag <= 0xd3);
    if (!number) return std::nullopt;
    const Json v = value(1);
    return v.get<double>();
}

Json Reader::value(int depth) {
    const std::uint8_t tag = next();
    if (tag <= 0x7f) return Json(std::uint64_t{tag});
    if (tag >= 0xe0) return Json(std::int64_t{static_cast<std::int8_t>(tag)});
    if (tag <= 0x8f) return map(tag & 0x0fu, depth);
    if (tag <= 0x9f) return array(tag & 0x0fu, depth);
    if (tag <= 0xbf) return Json(std::string(text(tag & 0x1fu, true)));
    switch (tag) {
    case 0xdc: return array(big_endian(2), depth);
    case 0xdd: return array(big_endian(4), depth);
    case 0xde: return map(big_endian(2), depth);
    case 0xdf: return map(big_endian(4), depth);
    default: return scalar(tag);
    }
}

Json Reader::binary(std::size_t n) {
    std::string_view b = bytes(n);
    return Json::binary(Json::binary_t::container_type(b.begin(), b.end()));
}

// Everything from 0xc0 to 0xdb.
Json Reader::scalar(std::uint8_t tag) {
    switch (tag) {
    case 0xc0: return Json(nullptr);
    case 0xc2: return Json(false);
    case 0xc3: return Json(true);
    // bin stays binary (Python bytes): re-encoded as bin, never as a str of invalid UTF-8.
    case 0xc4: return binary(big_endian(1));
    case 0xc5: return binary(big_endian(2));
    case 0xc6: return binary(big_endian(4));
    case 0xca: return Json(double{std::bit_cast<float>(static_cast<std::uint32_t>(big_endian(4)))});
    case 0xcb: return Json(std::bit_cast<double>(big_endian(8)));
    case 0xcc: return Json(big_endian(1));
    case 0xcd: return Json(big_endian(2));
    case 0xce: return Json(big_endian(4));
    case 0xcf: return Json(big_endian(8));
    case 0xd0: return signed_value(static_cast<std::int8_t>(big_endian(1)));
    case 0xd1: return signed_value(static_cast<std::int16_t>(big_endian(2)));
    case 0xd2: return signed_value(static_cast<std::int32_t>(big_endian(4)));
    case 0xd3: return signed_value(static_cast<std::int64_t>(big_endian(8)));
    case 0xd9: return Json(std::string(text(big_endian(1), true)));
    case 0xda: return Json(std::string(text(big_endian(2), true)));
    case 0xdb: return Json(std::string(text(big_endian(4), true)));
    case 0xc1: --m_pos; fail("reserved type byte 0xc1");
    default: --m_pos; fail(fmt::format("ext type 0x{:02x} is not supported", tag));
    }
}

Json Reader::array(std::size_t n, int depth) {
    if (depth >= k_max_nesting) fail(fmt::format("nested deeper than {} levels", k_max_nesting));
    // Every element takes at least one byte: refuse absurd counts before reserving memory.
    if (n > remaining()) fail(fmt::format("truncated ({} array items announced)", n));
    Json out = Json::array();
    auto& items = out.get_ref<Json::array_t&>();
    items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) items.push_back(value(depth + 1));
    return out;
}

// A map key: str (or bin, tolerated as Python's strict_map_key does); anything else is refused.
std::string_view Reader::key() {
    const std::uint8_t tag = next();
    if (tag >= 0xa0 && tag <= 0xbf) return text(tag & 0x1fu, true);
    switch (tag) {
    case 0xd9: return text(big_endian(1), true);
    case 0xda: return text(big_endian(2), true);
    case 0xdb: return text(big_endian(4), true);
    case 0xc4: return text(big_endian(1), false);
    case 0xc5: return text(big_endian(2), false);
    case 0xc6: return text(big_endian(4), false);
    default: --m_pos; fail(fmt::format("map key of type 0x{:02x} is not a string", tag));
    }
}

Json Reader::map(std::size_t n, int depth) {
    if (depth >= k_max_nesting) fail(fmt::format("nested deeper than {} levels", k_max_nesting));
    if (n > remaining() / 2) fail(fmt::format("truncated ({} map entries announced)", n));
    Json out = Json::object();
    auto& entries = out.get_ref<Json::object_t&>();
    entries.reserve(n);
    // Keys point into the input buffer, which outlives the decode; a duplicate key keeps its
    // first position and takes the last value, like a Python dict.
    std::unordered_map<std::string_view, std::size_t> index;
    if (n > k_linear_key_scan) index.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string_view k = key();
        Json v = value(depth + 1);
        std::size_t found = entries.size();
        if (n > k_linear_key_scan) {
            auto [it, added] = index.try_emplace(k, entries.size());
            if (!added) found = it->second;
        } else {
            for (std::size_t j = 0; j < entries.size(); ++j)
                if (entries.begin()[static_cast<std::ptrdiff_t>(j)].first == k) found = j;
        }
        // ordered_map hides vector's operator[] behind its key lookup: index through begin().
        if (found < entries.size()) {
            entries.begin()[static_cast<std::ptrdiff_t>(found)].second = std::move(v);
        } else {
            entries.emplace_back(std::string(k), std::move(v));
        }
    }
    return out;
}

}  // namespace mp


std::string to_msgpack(const Json& value) {
    std::string out;
    out.reserve(256);
    mp::Writer(out).value(value);
    return out;
}

Json from_msgpack(std::string_view data) { return mp::Reader(data).document(); }

}  // namespace aegis::wire
