#pragma once
// MessagePack and JSON encoding of Json values, with first-byte sniffing (docs/protocol.md §2).
#include <string>
#include <string_view>

#include "core/wire/json.hpp"

namespace aegis::wire {

enum class Format { msgpack, json };

// docs/protocol.md §2.4: msgpack when the first byte is 0x80–0x9F or 0xC0–0xDF, otherwise JSON.
Format sniff(std::string_view data) noexcept;
const char* format_name(Format f) noexcept;  // "msgpack" / "json"

// MessagePack exactly as Python's msgpack (use_bin_type=True) writes it: text as str (fixstr,
// str8, str16, str32, never bin), ints in the smallest encoding, floats always float64 (0xcb),
// maps in insertion order.
std::string to_msgpack(const Json& value);
// Compact JSON as pydantic writes envelopes: no spaces, non-ASCII raw UTF-8, floats keep a
// fractional part ("5.0").
std::string to_json(const Json& value);
// Compact JSON with ASCII escaping (\u00e9) as Python json.dumps(separators=(',',':')) writes
// KV values.
std::string to_json_ascii(const Json& value);

// Decoders throw aegis::DataError with a one-line reason on malformed input. msgpack bin is
// accepted and decoded as a string (tolerant reader); ext types are rejected.
Json from_msgpack(std::string_view data);
Json from_json(std::string_view data);
// Sniff, then decode. Empty or whitespace-only input is a DataError.
Json decode(std::string_view data);
std::string encode(const Json& value, Format f);

// Decoders refuse values nested deeper than this (the encoders recurse; Python's own limit is
// about 1000 frames).
inline constexpr int k_max_nesting = 512;
// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool valid_utf8(std::string_view text) noexcept;

}  // namespace aegis::wire
