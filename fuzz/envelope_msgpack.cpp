// libFuzzer target: msgpack envelopes. Every decoder must either accept the bytes or throw
// aegis::DataError (never crash, hang or throw anything else), whatever is accepted must
// re-encode, and the direct RPC reader must agree with the general decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/rpc_codec.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;
using namespace aegis::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    fuzz::accept_or_data_error([&] { return to_msgpack(from_msgpack(bytes)); });
    fuzz::accept_or_data_error([&] { return encode(decode(bytes), Format::json); });
    fuzz::accept_or_data_error([&] { return encode_envelope(decode_event(bytes), Format::msgpack); });
    fuzz::accept_or_data_error(
        [&] { return encode_envelope(decode_command(bytes), Format::msgpack); });
    // The direct readers take a subset of what the general one does, with the same result.
    if (auto direct = rpc_request_from_msgpack(bytes)) {
        const RpcRequest general = rpc_request_from(decode(bytes));
        fuzz::require(direct->method == general.method && direct->params == general.params &&
                          direct->timeout == general.timeout &&
                          direct->header.correlation_id == general.header.correlation_id,
                      "direct and general RPC request decoders disagree");
        fuzz::require(decode_rpc_request(rpc_to_msgpack(*direct)).params == direct->params,
                      "a decoded RPC request does not survive re-encoding");
    }
    if (auto direct = rpc_response_from_msgpack(bytes)) {
        const RpcResponse general = rpc_response_from(decode(bytes));
        fuzz::require(direct->success == general.success && direct->result == general.result &&
                          direct->error == general.error,
                      "direct and general RPC response decoders disagree");
        fuzz::require(decode_rpc_response(rpc_to_msgpack(*direct)).result == direct->result,
                      "a decoded RPC response does not survive re-encoding");
    }
    fuzz::accept_or_data_error([&] { return rpc_to_msgpack(decode_rpc_request(bytes)); });
    fuzz::accept_or_data_error([&] { return rpc_to_msgpack(decode_rpc_response(bytes)); });
    return 0;
}
