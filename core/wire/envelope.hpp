#pragma once
// The AegisSDK envelopes (docs/protocol.md §3–§5), field for field and in wire order.
#include <optional>
#include <string>

#include "core/wire/codec.hpp"
#include "core/wire/json.hpp"

namespace aegis::wire {

// Fields 1–6, common to every envelope.
struct Header {
    std::string message_id;                     // UUID4 text
    std::string trace_id;                       // UUID4 text
    std::optional<std::string> correlation_id;  // null unless set
    std::string timestamp;                      // see timefmt.hpp; kept verbatim on decode
    std::optional<std::string> source;
    std::optional<std::string> target;
};

struct RpcRequest {
    Header header;
    std::string method;
    Json params = Json::object();
    double timeout = 5.0;  // seconds
};

struct RpcResponse {
    Header header;
    bool success = true;
    Json result;                       // null when absent
    std::optional<std::string> error;  // null on success
};

struct Event {
    Header header;
    std::string domain;
    std::string event_type;
    Json payload = Json::object();
    std::string version = "1.0";
};

struct Command {
    Header header;
    std::string command;
    Json payload = Json::object();
    std::string priority = "normal";  // low | normal | high | critical
    int max_retries = 3;
    double timeout = 300.0;
};

// A header with fresh UUID4 ids and the current time.
Header new_header();

// To the exact documented field set, in wire order (never any extra field).
Json to_json_value(const RpcRequest& r);
Json to_json_value(const RpcResponse& r);
Json to_json_value(const Event& e);
Json to_json_value(const Command& c);

// From a decoded value. Missing fields take the Python defaults (fresh ids, now, {}); unknown
// fields are tolerated; wrong types, an empty method/domain/event_type/command, a bad priority,
// a non-positive timeout or an inconsistent success/error pair throw DataError naming the field.
RpcRequest rpc_request_from(const Json& v);
RpcResponse rpc_response_from(const Json& v);
Event event_from(const Json& v);
Command command_from(const Json& v);

// Bytes <-> envelope (sniffing on decode).
template <class T>
std::string encode_envelope(const T& envelope, Format f) {
    return encode(to_json_value(envelope), f);
}
// The RPC envelopes go straight to msgpack (rpc_codec.hpp); same bytes.
std::string encode_envelope(const RpcRequest& r, Format f);
std::string encode_envelope(const RpcResponse& r, Format f);
RpcRequest decode_rpc_request(std::string_view data);
RpcResponse decode_rpc_response(std::string_view data);
Event decode_event(std::string_view data);
Command decode_command(std::string_view data);

// A response to `request` (correlation_id = request message_id, fresh ids, source/target null).
RpcResponse make_success(const std::optional<std::string>& correlation_id, Json result);
RpcResponse make_failure(const std::optional<std::string>& correlation_id, std::string error);

}  // namespace aegis::wire
