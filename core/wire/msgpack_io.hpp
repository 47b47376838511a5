#pragma once
// The MessagePack writer and reader behind to_msgpack/from_msgpack, opened up so that the RPC
// envelopes (rpc_codec.cpp) are written and read field by field, straight to and from bytes,
// with the very same encoding rules and checks.
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/wire/json.hpp"

namespace aegis::wire::mp {

// Appends to `out` exactly as Python's msgpack (use_bin_type=True) packs (see codec.hpp).
class Writer {
public:
    explicit Writer(std::string& out) : m_out(out) {}

    void value(const Json& v);
    void nil() { byte(0xc0); }
    void boolean(bool b) { byte(b ? 0xc3 : 0xc2); }
    // Always float64: Python floats are doubles and msgpack-python never narrows them.
    void float64(double d) { tagged(0xcb, std::bit_cast<std::uint64_t>(d), 8); }
    void str(std::string_view s);
    void map_header(std::size_t n);
    // Bytes already in msgpack form (e.g. a constant fixstr key).
    void raw(std::string_view bytes) { m_out.append(bytes); }

private:
    void byte(std::uint8_t b) { m_out.push_back(static_cast<char>(b)); }
    void tagged(std::uint8_t tag, std::uint64_t v, int size);
    void unsigned_int(std::uint64_t v);
    void signed_int(std::int64_t v);
    void length(std::size_t n, std::uint8_t fix, std::size_t fix_max, std::uint8_t tag8,
                std::uint8_t tag16, const char* what);
    void bin(const Json::binary_t& b);
    void array(const Json::array_t& a);
    void map(const Json::object_t& m);

    std::string& m_out;
};

// Reads one msgpack document. Every failure throws DataError ("malformed msgpack at byte N:
// ..."). The try_* readers consume nothing and return nullopt when the next value is of
// another type.
class Reader {
public:
    explicit Reader(std::string_view data)
        : m_begin(reinterpret_cast<const std::uint8_t*>(data.data())),
          m_pos(m_begin),
          m_end(m_begin + data.size()) {}

    // The whole input as one value, nothing after it.
    Json document();

    bool at_end() const { return m_pos == m_end; }
    // The number of entries of the map that comes next, or nullopt when it is not a map.
    std::optional<std::size_t> try_map_header();
    // A str (UTF-8 checked; never bin), as a view into the input.
    std::optional<std::string_view> try_str() { return try_str(true); }
    // The same without the UTF-8 check, for a caller that matches the text against known ASCII
    // names and checks whatever else it keeps.
    std::optional<std::string_view> try_str_unchecked() { return try_str(false); }
    bool try_nil();
    std::optional<bool> try_bool();
    // Any integer or float, as a double.
    std::optional<double> try_number();
    // True when the next value is a map (fixmap, map16, map32).
    bool next_is_map() const;
    // The next value of any type, as an element of a top-level map (nesting depth 1).
    Json member_value() { return value(1); }

private:
    std::optional<std::string_view> try_str(bool check_utf8);
    [[noreturn]] void fail(const std::string& what) const;
    std::size_t remaining() const { return static_cast<std::size_t>(m_end - m_pos); }
    std::uint8_t next();
    std::uint64_t big_endian(int size);
    std::string_view bytes(std::size_t n);
    std::string_view text(std::size_t n, bool is_str);
    Json value(int depth);
    Json scalar(std::uint8_t tag);
    Json binary(std::size_t n);  // a bin value: Json::binary_t
    Json array(std::size_t n, int depth);
    Json map(std::size_t n, int depth);
    std::string_view key();

    const std::uint8_t* m_begin;
    const std::uint8_t* m_pos;
    const std::uint8_t* m_end;
};

}  // namespace aegis::wire::mp
