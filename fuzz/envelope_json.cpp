// libFuzzer target: JSON envelopes (sniffed as JSON when the first byte is not a msgpack map
// or array). Bad input is a DataError; accepted envelopes re-encode in both formats.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;
using namespace aegis::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz::accept_or_data_error([&] {
        const Json v = from_json(text);
        fuzz::require(from_msgpack(to_msgpack(v)) == v, "JSON value does not survive msgpack");
        return to_json(v) + to_json_ascii(v);
    });
    fuzz::accept_or_data_error([&] { return encode_envelope(decode_rpc_request(text), Format::json); });
    fuzz::accept_or_data_error(
        [&] { return encode_envelope(decode_rpc_response(text), Format::msgpack); });
    fuzz::accept_or_data_error([&] { return encode_envelope(decode_event(text), Format::json); });
    fuzz::accept_or_data_error([&] { return encode_envelope(decode_command(text), Format::json); });
    return 0;
}
