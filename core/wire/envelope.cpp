// Envelopes <-> Json (docs/protocol.md §3.2, §3.3, §4.2, §5.2, validation rules of §2.8).
#include "core/wire/envelope.hpp"
#include <optional>
#include <string>

#include <cstdint>
#include <type_traits>

#include <fmt/format.h>

#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/rpc_codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::wire {
namespace {

using Entries = Json::object_t;

Json nullable(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

// Fields 1–6 in wire order.
Json with_header(const Header& h, std::size_t extra_fields) {
    Json out = Json::object();
    auto& m = out.get_ref<Entries&>();
    m.reserve(6 + extra_fields);
    m.emplace_back("message_id", h.message_id);
    m.emplace_back("trace_id", h.trace_id);
    m.emplace_back("correlation_id", nullable(h.correlation_id));
    m.emplace_back("timestamp", h.timestamp);
    m.emplace_back("source", nullable(h.source));
    m.emplace_back("target", nullable(h.target));
    return out;
}

// params / payload: Python requires a map; a null one (a cleared Json) is sent as {}.
const Json& map_field(const Json& v, const char* what) {
    static const Json k_empty = Json::object();
    if (v.is_null()) return k_empty;
    if (!v.is_object()) {
        throw UsageError(fmt::format("{} must be a map, not {}", what, v.type_name()));
    }
    return v;
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// pydantic's str_strip_whitespace, applied to every top-level string field.
void strip(std::string& s) {
    std::size_t end = s.size();
    while (end > 0 && is_space(s[end - 1])) --end;
    s.resize(end);
    std::size_t begin = 0;
    while (begin < s.size() && is_space(s[begin])) ++begin;
    if (begin > 0) s.erase(0, begin);
}

const char* type_of(const Json& v) { return v.is_object() ? "map" : v.type_name(); }

// Strict, pydantic-like access to the fields of a decoded envelope. J is `const Json` (values
// are copied out) or `Json` (a temporary we own: values are moved out).
template <class J>
class Fields {
public:
    Fields(J& v, const char* what) : m_v(v), m_what(what) {
        if (!v.is_object()) {
            throw DataError(fmt::format("invalid {}: expected a map, got {}", what, type_of(v)));
        }
    }

    [[noreturn]] void fail(const char* field, std::string_view why) const {
        throw DataError(fmt::format("invalid {}: field '{}' {}", m_what, field, why));
    }

    // Missing -> nullopt; otherwise must be a string (null is a type error).
    std::optional<std::string> string(const char* field) { return string_at(find(field), field); }

    std::optional<std::string> nullable_string(const char* field) {
        J* f = find(field);
        if (f == nullptr || f->is_null()) return std::nullopt;
        return string_at(f, field);
    }

    std::string required_string(const char* field) {
        auto s = string(field);
        if (!s) fail(field, "is required");
        if (s->empty()) fail(field, "must not be empty");
        return std::move(*s);
    }

    Json map(const char* field) {
        J* f = find(field);
        if (f == nullptr) return Json::object();
        if (!f->is_object()) fail(field, fmt::format("must be a map, got {}", type_of(*f)));
        return take(*f);
    }

    Json any(const char* field) {
        J* f = find(field);
        return f == nullptr ? Json(nullptr) : take(*f);
    }

    // An int or float (never a bool) > 0; NaN is refused like pydantic's gt=0 refuses it.
    double positive_number(const char* field, double fallback) {
        J* f = find(field);
        if (f == nullptr) return fallback;
        if (!f->is_number()) fail(field, fmt::format("must be a number, got {}", type_of(*f)));
        const double d = f->template get<double>();
        if (!(d > 0)) fail(field, fmt::format("must be greater than 0, got {}", d));
        return d;
    }

    int non_negative_int(const char* field, int fallback) {
        J* f = find(field);
        if (f == nullptr) return fallback;
        if (!f->is_number_integer()) {
            fail(field, fmt::format("must be an integer, got {}", type_of(*f)));
        }
        if (f->is_number_unsigned()) {
            if (f->template get<std::uint64_t>() > INT32_MAX) fail(field, "is out of range");
            return f->template get<int>();
        }
        const auto i = f->template get<std::int64_t>();
        if (i < 0) fail(field, fmt::format("must be >= 0, got {}", i));
        if (i > INT32_MAX) fail(field, "is out of range");
        return static_cast<int>(i);
    }

    bool boolean(const char* field, bool fallback) {
        J* f = find(field);
        if (f == nullptr) return fallback;
        if (!f->is_boolean()) fail(field, fmt::format("must be a boolean, got {}", type_of(*f)));
        return f->template get<bool>();
    }

private:
    std::optional<std::string> string_at(J* f, const char* field) {
        if (f == nullptr) return std::nullopt;
        if (f->is_binary()) {  // a bin where a str belongs: tolerated as its bytes, as before
            const auto& b = f->get_binary();
            std::string s(b.begin(), b.end());
            strip(s);
            return s;
        }
        if (!f->is_string()) fail(field, fmt::format("must be a string, got {}", type_of(*f)));
        std::string s = take_string(*f);
        strip(s);
        return s;
    }

    J* find(const char* field) {
        auto it = m_v.find(field);
        return it == m_v.end() ? nullptr : &*it;
    }

    static std::string take_string(J& v) {
        if constexpr (std::is_const_v<J>) return v.template get<std::string>();
        else return std::move(v.template get_ref<std::string&>());
    }

    static Json take(J& v) {
        if constexpr (std::is_const_v<J>) return v;
        else return std::move(v);
    }

    J& m_v;
    const char* m_what;
};

template <class J>
Header read_header(Fields<J>& f) {
    Header h;
    auto id = f.string("message_id");
    h.message_id = id ? std::move(*id) : util::uuid4();
    auto trace = f.string("trace_id");
    h.trace_id = trace ? std::move(*trace) : util::uuid4();
    h.correlation_id = f.nullable_string("correlation_id");
    auto ts = f.string("timestamp");
    h.timestamp = ts ? std::move(*ts) : iso_now();
    h.source = f.nullable_string("source");
    h.target = f.nullable_string("target");
    return h;
}

// ^\d+\.\d+(\.\d+)?$
bool valid_version(std::string_view v) {
    int parts = 0;
    while (true) {
        std::size_t n = 0;
        while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
        if (n == 0) return false;
        ++parts;
        v.remove_prefix(n);
        if (v.empty()) return parts >= 2;
        if (v.front() != '.' || parts == 3) return false;
        v.remove_prefix(1);
    }
}

bool valid_priority(std::string_view p) {
    return p == "low" || p == "normal" || p == "high" || p == "critical";
}

template <class J>
RpcRequest read_request(J& v) {
    Fields<J> f(v, "RPC request");
    RpcRequest r;
    r.header = read_header(f);
    r.method = f.required_string("method");
    r.params = f.map("params");
    r.timeout = f.positive_number("timeout", 5.0);
    return r;
}

template <class J>
RpcResponse read_response(J& v) {
    Fields<J> f(v, "RPC response");
    RpcResponse r;
    r.header = read_header(f);
    r.success = f.boolean("success", true);
    r.result = f.any("result");
    r.error = f.nullable_string("error");
    if (r.success && r.error) f.fail("error", "must be null when success is true");
    if (!r.success && !r.error) f.fail("error", "must be set when success is false");
    return r;
}

template <class J>
Event read_event(J& v) {
    Fields<J> f(v, "event");
    Event e;
    e.header = read_header(f);
    e.domain = f.required_string("domain");
    e.event_type = f.required_string("event_type");
    e.payload = f.map("payload");
    if (auto version = f.string("version")) {
        if (!valid_version(*version)) f.fail("version", "must look like 1.0 or 1.0.0");
        e.version = std::move(*version);
    }
    return e;
}

template <class J>
Command read_command(J& v) {
    Fields<J> f(v, "command");
    Command c;
    c.header = read_header(f);
    c.command = f.required_string("command");
    c.payload = f.map("payload");
    if (auto priority = f.string("priority")) {
        if (!valid_priority(*priority)) f.fail("priority", "must be low, normal, high or critical");
        c.priority = std::move(*priority);
    }
    c.max_retries = f.non_negative_int("max_retries", 3);
    c.timeout = f.positive_number("timeout", 300.0);
    return c;
}

}  // namespace

Header new_header() {
    return Header{util::uuid4(), util::uuid4(), std::nullopt, iso_now(), std::nullopt,
                  std::nullopt};
}

Json to_json_value(const RpcRequest& r) {
    Json out = with_header(r.header, 3);
    auto& m = out.get_ref<Entries&>();
    m.emplace_back("method", r.method);
    m.emplace_back("params", map_field(r.params, "RPC params"));
    m.emplace_back("timeout", r.timeout);
    return out;
}

Json to_json_value(const RpcResponse& r) {
    Json out = with_header(r.header, 3);
    auto& m = out.get_ref<Entries&>();
    m.emplace_back("success", r.success);
    m.emplace_back("result", r.result);
    m.emplace_back("error", nullable(r.error));
    return out;
}

Json to_json_value(const Event& e) {
    Json out = with_header(e.header, 4);
    auto& m = out.get_ref<Entries&>();
    m.emplace_back("domain", e.domain);
    m.emplace_back("event_type", e.event_type);
    m.emplace_back("payload", map_field(e.payload, "event payload"));
    m.emplace_back("version", e.version);
    return out;
}

Json to_json_value(const Command& c) {
    Json out = with_header(c.header, 5);
    auto& m = out.get_ref<Entries&>();
    m.emplace_back("command", c.command);
    m.emplace_back("payload", map_field(c.payload, "command payload"));
    m.emplace_back("priority", c.priority);
    m.emplace_back("max_retries", c.max_retries);
    m.emplace_back("timeout", c.timeout);
    return out;
}

RpcRequest rpc_request_from(const Json& v) { return read_request(v); }
RpcResponse rpc_response_from(const Json& v) { return read_response(v); }
Event event_from(const Json& v) { return read_event(v); }
Command command_from(const Json& v) { return read_command(v); }

std::string encode_envelope(const RpcRequest& r, Format f) {
    return f == Format::msgpack ? rpc_to_msgpack(r) : encode(to_json_value(r), f);
}

std::string encode_envelope(const RpcResponse& r, Format f) {
    return f == Format::msgpack ? rpc_to_msgpack(r) : encode(to_json_value(r), f);
}

// RPC envelopes in msgpack are read field by field; what that reader does not take (anything
// unusual, or an error) goes through the general path below, whose checks are the reference.
// The decoded temporary is ours: params, payloads and results are moved out, not copied.
RpcRequest decode_rpc_request(std::string_view data) {
    if (sniff(data) == Format::msgpack) {
        if (auto r = rpc_request_from_msgpack(data)) return std::move(*r);
    }
    Json v = decode(data);
    return read_request(v);
}

RpcResponse decode_rpc_response(std::string_view data) {
    if (sniff(data) == Format::msgpack) {
        if (auto r = rpc_response_from_msgpack(data)) return std::move(*r);
    }
    Json v = decode(data);
    return read_response(v);
}

Event decode_event(std::string_view data) {
    Json v = decode(data);
    return read_event(v);
}

Command decode_command(std::string_view data) {
    Json v = decode(data);
    return read_command(v);
}

RpcResponse make_success(const std::optional<std::string>& correlation_id, Json result) {
    RpcResponse r{new_header(), true, std::move(result), std::nullopt};
    r.header.correlation_id = correlation_id;
    return r;
}

RpcResponse make_failure(const std::optional<std::string>& correlation_id, std::string error) {
    RpcResponse r{new_header(), false, Json(nullptr), std::move(error)};
    r.header.correlation_id = correlation_id;
    return r;
}

}  // namespace aegis::wire
