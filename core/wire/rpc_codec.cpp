// RPC envelopes straight to and from msgpack (see rpc_codec.hpp). The field order is the
// envelope's wire order: message_id, trace_id, correlation_id, timestamp, source, target, then
// method, params, timeout (request) or success, result, error (response).
#include "core/wire/rpc_codec.hpp"
#include <optional>
#include <string>

#include <chrono>
#include <cstdint>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/msgpack_io.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::wire {
namespace {

using OptView = std::optional<std::string_view>;

OptView view_of(const std::optional<std::string>& s) {
    return s ? OptView(*s) : std::nullopt;
}

// Ids and time of a new envelope, on the stack.
struct FreshHeader {
    char message_id[36];
    char trace_id[36];
    char timestamp[k_iso_timestamp_size];

    FreshHeader() {
        util::uuid4_to(message_id);
        util::uuid4_to(trace_id);
        iso_timestamp_to(timestamp, std::chrono::system_clock::now());
    }
};

void put_nullable(mp::Writer& w, OptView s) {
    if (s) w.str(*s);
    else w.nil();
}

// The map header and fields 1–6; every envelope here has 9 fields.
void put_header(mp::Writer& w, std::string_view id, std::string_view trace, OptView correlation,
                std::string_view timestamp, OptView source, OptView target) {
    w.map_header(9);
    w.raw("\xaamessage_id");
    w.str(id);
    w.raw("\xa8trace_id");
    w.str(trace);
    w.raw("\xae" "correlation_id");
    put_nullable(w, correlation);
    w.raw("\xa9timestamp");
    w.str(timestamp);
    w.raw("\xa6source");
    put_nullable(w, source);
    w.raw("\xa6target");
    put_nullable(w, target);
}

// Python requires params to be a map; null is sent as {}.
void put_params(mp::Writer& w, const Json* params) {
    w.raw("\xa6params");
    if (params == nullptr || params->is_null()) {
        w.map_header(0);
        return;
    }
    if (!params->is_object()) {
        throw UsageError(fmt::format("RPC params must be a map, not {}", params->type_name()));
    }
    w.value(*params);
}

void put_request_tail(mp::Writer& w, std::string_view method, const Json* params,
                      double timeout) {
    w.raw("\xa6method");
    w.str(method);
    put_params(w, params);
    w.raw("\xa7timeout");
    w.float64(timeout);
}

void put_response_tail(mp::Writer& w, bool success, const Json& result, OptView error) {
    w.raw("\xa7success");
    w.boolean(success);
    w.raw("\xa6result");
    w.value(result);
    w.raw("\xa5" "error");
    put_nullable(w, error);
}

// Envelope size without params/result, rounded up: one allocation for most calls.
constexpr std::size_t k_reserve = 320;

// ---- reading ----

enum class Field : unsigned {
    message_id, trace_id, correlation_id, timestamp, source, target,
    method, params, timeout, success, result, error, unknown
};

// By length first: at most three names share one.
Field field_of(std::string_view k) {
    auto is = [&](std::string_view name, Field f) { return k == name ? f : Field::unknown; };
    switch (k.size()) {
    case 5: return is("error", Field::error);
    case 6:
        switch (k[0]) {
        case 's': return is("source", Field::source);
        case 't': return is("target", Field::target);
        case 'm': return is("method", Field::method);
        case 'p': return is("params", Field::params);
        case 'r': return is("result", Field::result);
        default: return Field::unknown;
        }
    case 7: return k[0] == 't' ? is("timeout", Field::timeout) : is("success", Field::success);
    case 8: return is("trace_id", Field::trace_id);
    case 9: return is("timestamp", Field::timestamp);
    case 10: return is("message_id", Field::message_id);
    case 14: return is("correlation_id", Field::correlation_id);
    default: return Field::unknown;
    }
}

constexpr unsigned bit(Field f) { return 1u << static_cast<unsigned>(f); }

constexpr unsigned k_header_fields = bit(Field::message_id) | bit(Field::trace_id) |
                                     bit(Field::correlation_id) | bit(Field::timestamp) |
                                     bit(Field::source) | bit(Field::target);
constexpr unsigned k_request_fields =
    k_header_fields | bit(Field::method) | bit(Field::params) | bit(Field::timeout);
constexpr unsigned k_response_fields =
    k_header_fields | bit(Field::success) | bit(Field::result) | bit(Field::error);

// pydantic's str_strip_whitespace, as the general decoder applies it.
std::string_view trimmed(std::string_view s) {
    auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    return s;
}

bool read_string(mp::Reader& r, std::string& out) {
    auto s = r.try_str();
    if (!s) return false;
    out.assign(trimmed(*s));
    return true;
}

bool read_nullable(mp::Reader& r, std::optional<std::string>& out) {
    if (r.try_nil()) return true;
    auto s = r.try_str();
    if (!s) return false;
    out.emplace(trimmed(*s));
    return true;
}

// One header field; false when the value is not the plain type the field wants.
bool read_header_field(mp::Reader& r, Field f, Header& h) {
    switch (f) {
    case Field::message_id: return read_string(r, h.message_id);
    case Field::trace_id: return read_string(r, h.trace_id);
    case Field::correlation_id: return read_nullable(r, h.correlation_id);
    case Field::timestamp: return read_string(r, h.timestamp);
    case Field::source: return read_nullable(r, h.source);
    case Field::target: return read_nullable(r, h.target);
    default: return false;
    }
}

// Defaults of the general decoder for header fields the sender left out.
void fill_header(Header& h, unsigned seen) {
    if (!(seen & bit(Field::message_id))) h.message_id = util::uuid4();
    if (!(seen & bit(Field::trace_id))) h.trace_id = util::uuid4();
    if (!(seen & bit(Field::timestamp))) h.timestamp = iso_now();
}

// Walks the top-level map: `body(field)` reads the value of a known field of `allowed` and
// returns false to give up; unknown fields are read (so checked) and dropped. Returns the set of
// fields seen, or nullopt for anything the general decoder must handle.
template <class Body>
std::optional<unsigned> walk(mp::Reader& r, unsigned allowed, Body body) {
    auto n = r.try_map_header();
    if (!n) return std::nullopt;
    unsigned seen = 0;
    for (std::size_t i = 0; i < *n; ++i) {
        auto key = r.try_str_unchecked();
        if (!key) return std::nullopt;
        const Field f = field_of(*key);  // a known name is ASCII, so valid UTF-8
        if (f == Field::unknown && !valid_utf8(*key)) return std::nullopt;
        if (f == Field::unknown || !(allowed & bit(f))) {
            (void)r.member_value();
            continue;
        }
        if (seen & bit(f)) return std::nullopt;  // duplicate: the last one wins there
        seen |= bit(f);
        if (!body(f)) return std::nullopt;
    }
    if (!r.at_end()) return std::nullopt;
    return seen;
}

}  // namespace

std::string encode_new_request(const RequestSpec& spec, Format f, std::string* message_id) {
    FreshHeader fresh;
    const std::string_view id = spec.message_id ? *spec.message_id
                                                : std::string_view(fresh.message_id, 36);
    if (message_id) message_id->assign(id);
    if (f == Format::json) {
        RpcRequest r;
        r.header = Header{std::string(id), std::string(fresh.trace_id, 36), std::nullopt,
                          std::string(fresh.timestamp, k_iso_timestamp_size),
                          spec.source ? std::optional<std::string>(*spec.source) : std::nullopt,
                          spec.target ? std::optional<std::string>(*spec.target) : std::nullopt};
        r.method = spec.method;
        if (spec.params) r.params = *spec.params;
        r.timeout = spec.timeout;
        return encode(to_json_value(r), f);
    }
    std::string out;
    out.reserve(k_reserve);
    mp::Writer w(out);
    put_header(w, id, {fresh.trace_id, 36}, std::nullopt,
               {fresh.timestamp, k_iso_timestamp_size}, spec.source, spec.target);
    put_request_tail(w, spec.method, spec.params, spec.timeout);
    return out;
}

std::string encode_new_response(std::optional<std::string_view> correlation_id,
                                const Json& result, const std::string* error, Format f) {
    FreshHeader fresh;
    if (f == Format::json) {
        RpcResponse r{Header{std::string(fresh.message_id, 36), std::string(fresh.trace_id, 36),
                             std::nullopt, std::string(fresh.timestamp, k_iso_timestamp_size),
                             std::nullopt, std::nullopt},
                      error == nullptr, error ? Json(nullptr) : result,
                      error ? std::optional<std::string>(*error) : std::nullopt};
        if (correlation_id) r.header.correlation_id.emplace(*correlation_id);
        return encode(to_json_value(r), f);
    }
    static const Json k_null;
    std::string out;
    out.reserve(k_reserve);
    mp::Writer w(out);
    put_header(w, {fresh.message_id, 36}, {fresh.trace_id, 36}, correlation_id,
               {fresh.timestamp, k_iso_timestamp_size}, std::nullopt, std::nullopt);
    put_response_tail(w, error == nullptr, error ? k_null : result,
                      error ? OptView(*error) : std::nullopt);
    return out;
}

std::string rpc_to_msgpack(const RpcRequest& r) {
    std::string out;
    out.reserve(k_reserve);
    mp::Writer w(out);
    const Header& h = r.header;
    put_header(w, h.message_id, h.trace_id, view_of(h.correlation_id), h.timestamp,
               view_of(h.source), view_of(h.target));
    put_request_tail(w, r.method, &r.params, r.timeout);
    return out;
}

std::string rpc_to_msgpack(const RpcResponse& r) {
    std::string out;
    out.reserve(k_reserve);
    mp::Writer w(out);
    const Header& h = r.header;
    put_header(w, h.message_id, h.trace_id, view_of(h.correlation_id), h.timestamp,
               view_of(h.source), view_of(h.target));
    put_response_tail(w, r.success, r.result, view_of(r.error));
    return out;
}

std::optional<RpcRequest> rpc_request_from_msgpack(std::string_view data) try {
    mp::Reader r(data);
    // params starts null, not {}: no allocation for a map the input replaces anyway.
    RpcRequest req{Header{}, std::string(), Json(), 5.0};
    auto seen = walk(r, k_request_fields, [&](Field f) {
        switch (f) {
        case Field::method: return read_string(r, req.method);
        case Field::params:
            if (!r.next_is_map()) return false;
            req.params = r.member_value();
            return true;
        case Field::timeout: {
            auto d = r.try_number();
            if (!d || !(*d > 0)) return false;
            req.timeout = *d;
            return true;
        }
        default: return read_header_field(r, f, req.header);
        }
    });
    if (!seen || !(*seen & bit(Field::method)) || req.method.empty()) return std::nullopt;
    if (!(*seen & bit(Field::params))) req.params = Json::object();
    fill_header(req.header, *seen);
    return req;
} catch (const DataError&) {
    return std::nullopt;
}

std::optional<RpcResponse> rpc_response_from_msgpack(std::string_view data) try {
    mp::Reader r(data);
    RpcResponse resp;
    auto seen = walk(r, k_response_fields, [&](Field f) {
        switch (f) {
        case Field::success: {
            auto b = r.try_bool();
            if (!b) return false;
            resp.success = *b;
            return true;
        }
        case Field::result: resp.result = r.member_value(); return true;
        case Field::error: return read_nullable(r, resp.error);
        default: return read_header_field(r, f, resp.header);
        }
    });
    if (!seen || resp.success == resp.error.has_value()) return std::nullopt;
    fill_header(resp.header, *seen);
    return resp;
} catch (const DataError&) {
    return std::nullopt;
}

}  // namespace aegis::wire
