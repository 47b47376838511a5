#pragma once
// The RPC envelopes on the hot path: written straight to msgpack and read straight from it,
// field by field, without building a JSON tree of the envelope (only params and result, which
// are the user's JSON, become Json values). The bytes are exactly those of
// encode_envelope(to_json_value(...)); anything unusual on the way in (a duplicate field, a
// type error, malformed input) is left to the general decoder, so its checks and error
// messages are the only ones.
#include <optional>
#include <string>
#include <string_view>

#include "core/wire/envelope.hpp"

namespace aegis::wire {

// A new request as a caller states it; the trace id and the timestamp are always fresh.
struct RequestSpec {
    std::string_view method;
    const Json* params = nullptr;  // a map; null or absent is sent as {}
    double timeout = 5.0;          // seconds
    std::optional<std::string_view> source;
    std::optional<std::string_view> target;
    std::optional<std::string_view> message_id;  // fresh when not set
};

// The request bytes; the message id it carries is stored in *message_id when asked. Params
// that are not a map throw UsageError.
std::string encode_new_request(const RequestSpec& spec, Format f,
                               std::string* message_id = nullptr);

// The response to the request whose message_id is `correlation_id` (fresh ids and time, source
// and target null): success with `result` when `error` is null, else failure with that text.
std::string encode_new_response(std::optional<std::string_view> correlation_id,
                                const Json& result, const std::string* error, Format f);

// msgpack bytes of a typed envelope (what encode_envelope does for Format::msgpack).
std::string rpc_to_msgpack(const RpcRequest& r);
std::string rpc_to_msgpack(const RpcResponse& r);

// The envelope read from msgpack bytes when they hold a plain, valid one; nullopt sends the
// caller to the general decoder (which then accepts it or throws the one right error).
std::optional<RpcRequest> rpc_request_from_msgpack(std::string_view data);
std::optional<RpcResponse> rpc_response_from_msgpack(std::string_view data);

}  // namespace aegis::wire
