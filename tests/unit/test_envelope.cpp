// Envelopes: exact field sets, round trips in both formats, Python defaults and strict checks.
#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/timefmt.hpp"

using aegis::DataError;
using aegis::Json;
using namespace aegis::wire;

namespace {

std::vector<std::string> keys_of(const Json& v) {
    std::vector<std::string> out;
    for (const auto& item : v.items()) out.push_back(item.key());
    return out;
}

bool looks_like_uuid4(const std::string& s) {
    if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) continue;
        if (!std::isxdigit(static_cast<unsigned char>(s[i])) ||
            std::isupper(static_cast<unsigned char>(s[i])))
            return false;
    }
    return s[14] == '4' && std::string("89ab").find(s[19]) != std::string::npos;
}

Header fixed_header() {
    return Header{"d5a7f540-df5b-4b5a-82b0-ab43f93c0717",
                  "366d77f9-e521-495f-8828-46b7fe48aa1d",
                  std::nullopt,
                  "2025-08-07T10:15:41.500000+00:00",
                  "echo-client-9d0c7b55",
                  "echo-service"};
}

// A request map with one field replaced (or removed when `value` is discarded).
Json request_with(const char* field, Json value) {
    Json v = to_json_value(RpcRequest{fixed_header(), "echo", Json{{"message", "hi"}}, 5.0});
    if (value.is_discarded()) v.erase(field);
    else v[field] = std::move(value);
    return v;
}

const Json k_remove = Json(Json::value_t::discarded);

}  // namespace

TEST_CASE("to_json_value emits exactly the documented fields in wire order", "[envelope]") {
    const std::vector<std::string> header = {"message_id", "trace_id", "correlation_id",
                                             "timestamp",  "source",   "target"};
    auto with = [&](std::vector<std::string> extra) {
        auto all = header;
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    };
    CHECK(keys_of(to_json_value(RpcRequest{})) == with({"method", "params", "timeout"}));
    CHECK(keys_of(to_json_value(RpcResponse{})) == with({"success", "result", "error"}));
    CHECK(keys_of(to_json_value(Event{})) == with({"domain", "event_type", "payload", "version"}));
    CHECK(keys_of(to_json_value(Command{})) ==
          with({"command", "payload", "priority", "max_retries", "timeout"}));
    const Json cmd = to_json_value(Command{});
    CHECK(cmd.at("timeout").is_number_float());
    CHECK(cmd.at("max_retries").is_number_integer());
    CHECK(cmd.at("priority") == "normal");
    CHECK(cmd.at("correlation_id").is_null());
    CHECK(to_json_value(RpcRequest{}).at("timeout") == 5.0);
    CHECK(to_json_value(Event{}).at("version") == "1.0");
}

TEST_CASE("envelopes round-trip through msgpack and JSON", "[envelope]") {
    RpcRequest req{fixed_header(), "echo",
                   Json{{"message", "h\xc3\xa9llo"}, {"n", Json::array({1, 2.5, nullptr})}}, 2.5};
    req.header.correlation_id = "c0ffee00-0000-4000-8000-000000000000";
    Event ev{fixed_header(), "order", "created", Json{{"amount", 99.5}}, "1.2.3"};
    ev.header.target = std::nullopt;
    Command cmd{fixed_header(), "process_batch", Json{{"size", 10}}, "critical", 0, 60.0};
    const RpcResponse resp = make_success(req.header.message_id, Json::array({"a", 1}));
    for (Format f : {Format::msgpack, Format::json}) {
        INFO(format_name(f));
        const std::string rb = encode_envelope(req, f);
        CHECK(sniff(rb) == f);
        CHECK(to_json_value(decode_rpc_request(rb)) == to_json_value(req));
        CHECK(to_json_value(decode_event(encode_envelope(ev, f))) == to_json_value(ev));
        CHECK(to_json_value(decode_command(encode_envelope(cmd, f))) == to_json_value(cmd));
        CHECK(to_json_value(decode_rpc_response(encode_envelope(resp, f))) == to_json_value(resp));
    }
    CHECK(encode_envelope(req, Format::msgpack)[0] == '\x89');
    CHECK(encode_envelope(ev, Format::msgpack)[0] == '\x8a');
    CHECK(encode_envelope(cmd, Format::msgpack)[0] == '\x8b');
    CHECK(encode_envelope(req, Format::json).find("h\xc3\xa9llo") != std::string::npos);
}

TEST_CASE("missing fields take the Python defaults", "[envelope]") {
    const RpcRequest r = rpc_request_from(Json{{"method", "echo"}});
    CHECK(looks_like_uuid4(r.header.message_id));
    CHECK(looks_like_uuid4(r.header.trace_id));
    CHECK(r.header.message_id != r.header.trace_id);
    CHECK(parse_timestamp(r.header.timestamp).has_value());
    CHECK_FALSE(r.header.correlation_id.has_value());
    CHECK_FALSE(r.header.source.has_value());
    CHECK_FALSE(r.header.target.has_value());
    CHECK(r.params == Json::object());
    CHECK(r.timeout == 5.0);

    const RpcResponse resp = rpc_response_from(Json::object());
    CHECK(resp.success);
    CHECK(resp.result.is_null());
    CHECK_FALSE(resp.error.has_value());

    const Event e = event_from(Json{{"domain", "order"}, {"event_type", "created"}});
    CHECK(e.payload == Json::object());
    CHECK(e.version == "1.0");

    const Command c = command_from(Json{{"command", "run"}});
    CHECK(c.priority == "normal");
    CHECK(c.max_retries == 3);
    CHECK(c.timeout == 300.0);
}

TEST_CASE("decoding tolerates unknown fields, integer timeouts, and strips strings", "[envelope]") {
    Json v = request_with("x_extra", 1);
    v["timeout"] = 7;
    v["method"] = "  echo\n";
    v["source"] = " me ";
    const RpcRequest r = rpc_request_from(v);
    CHECK(r.method == "echo");
    CHECK(r.header.source == "me");
    CHECK(r.timeout == 7.0);
    CHECK(r.header.timestamp == "2025-08-07T10:15:41.500000+00:00");  // verbatim
    // Never sent on: the encoder writes the documented fields only.
    CHECK_FALSE(to_json_value(r).contains("x_extra"));
    // A timestamp in another accepted form is kept as received.
    CHECK(
        rpc_request_from(request_with("timestamp", "2025-08-07T18:15:41+08:00")).header.timestamp ==
        "2025-08-07T18:15:41+08:00");
}

TEST_CASE("rpc_request_from rejects wrong types with a DataError naming the field", "[envelope]") {
    struct Bad {
        const char* field;
        Json value;
    };
    const std::vector<Bad> cases = {
        {"params", nullptr},
        {"params", Json::array()},
        {"params", "x"},
        {"method", ""},
        {"method", "   "},
        {"method", 5},
        {"method", nullptr},
        {"method", k_remove},
        {"timeout", 0},
        {"timeout", -1.5},
        {"timeout", "5"},
        {"timeout", true},
        {"timeout", nullptr},
        {"message_id", nullptr},
        {"message_id", 5},
        {"trace_id", Json::object()},
        {"timestamp", 1754561730.5},
        {"source", 1},
        {"target", false},
        {"correlation_id", Json::array()},
    };
    for (const auto& bad : cases) {
        INFO(bad.field << " = " << bad.value.dump());
        CHECK_THROWS_MATCHES(rpc_request_from(request_with(bad.field, bad.value)), DataError,
                             Catch::Matchers::Predicate<DataError>([&](const DataError& e) {
                                 const std::string what = e.what();
                                 return what.find(std::string("'") + bad.field + "'") !=
                                            std::string::npos &&
                                        what.find('\n') == std::string::npos;
                             }));
    }
    CHECK_THROWS_AS(rpc_request_from(Json::array()), DataError);
    CHECK_THROWS_AS(rpc_request_from(Json("echo")), DataError);
    CHECK_THROWS_WITH(rpc_request_from(request_with("timeout", 0)),
                      Catch::Contains("greater than 0"));
}

TEST_CASE("rpc_response_from enforces the success/error pairing", "[envelope]") {
    const Json ok = to_json_value(make_success(std::string("id-1"), Json{{"x", 1}}));
    CHECK(rpc_response_from(ok).success);
    Json both = ok;
    both["error"] = "boom";
    CHECK_THROWS_WITH(rpc_response_from(both), Catch::Contains("'error'"));
    Json neither = ok;
    neither["success"] = false;
    CHECK_THROWS_WITH(rpc_response_from(neither), Catch::Contains("'error'"));
    neither.erase("error");
    CHECK_THROWS_AS(rpc_response_from(neither), DataError);
    Json failed = neither;
    failed["error"] = "boom";
    const RpcResponse r = rpc_response_from(failed);
    CHECK_FALSE(r.success);
    CHECK(r.error == "boom");
    Json wrong = ok;
    wrong["success"] = "true";
    CHECK_THROWS_WITH(rpc_response_from(wrong), Catch::Contains("'success'"));
    wrong["success"] = 1;
    CHECK_THROWS_AS(rpc_response_from(wrong), DataError);
}

TEST_CASE("event_from and command_from validate their fields", "[envelope]") {
    const Json ev = to_json_value(Event{fixed_header(), "order", "created", Json::object(), "1.0"});
    auto event_with = [&](const char* field, Json value) {
        Json v = ev;
        v[field] = std::move(value);
        return v;
    };
    CHECK(event_from(event_with("version", "1.0.0")).version == "1.0.0");
    CHECK(event_from(event_with("version", "10.20")).version == "10.20");
    for (const char* bad : {"1", "v1.0", "1.0.0.0", "1..0", "1.0.", ".1", ""}) {
        INFO(bad);
        CHECK_THROWS_WITH(event_from(event_with("version", bad)), Catch::Contains("'version'"));
    }
    CHECK_THROWS_WITH(event_from(event_with("domain", "")), Catch::Contains("'domain'"));
    CHECK_THROWS_WITH(event_from(event_with("event_type", 3)), Catch::Contains("'event_type'"));
    CHECK_THROWS_WITH(event_from(event_with("payload", nullptr)), Catch::Contains("'payload'"));

    const Json cmd = to_json_value(Command{fixed_header(), "run", Json::object(), "low", 1, 1.0});
    auto command_with = [&](const char* field, Json value) {
        Json v = cmd;
        v[field] = std::move(value);
        return v;
    };
    for (const char* p : {"low", "normal", "high", "critical"})
        CHECK(command_from(command_with("priority", p)).priority == p);
    CHECK_THROWS_WITH(command_from(command_with("priority", "urgent")),
                      Catch::Contains("'priority'"));
    CHECK_THROWS_WITH(command_from(command_with("priority", "HIGH")),
                      Catch::Contains("'priority'"));
    CHECK_THROWS_WITH(command_from(command_with("max_retries", -1)),
                      Catch::Contains("'max_retries'"));
    CHECK_THROWS_WITH(command_from(command_with("max_retries", 2.0)),
                      Catch::Contains("'max_retries'"));
    CHECK_THROWS_WITH(command_from(command_with("max_retries", 1e12)),
                      Catch::Contains("'max_retries'"));
    CHECK_THROWS_WITH(command_from(command_with("timeout", 0.0)), Catch::Contains("'timeout'"));
    CHECK_THROWS_WITH(command_from(command_with("command", " ")), Catch::Contains("'command'"));
    CHECK(command_from(command_with("max_retries", 0)).max_retries == 0);
}

TEST_CASE("decode_* reject malformed bytes with DataError", "[envelope]") {
    CHECK_THROWS_AS(decode_rpc_request(""), DataError);
    CHECK_THROWS_AS(decode_rpc_request("{"), DataError);
    CHECK_THROWS_AS(decode_rpc_request("[1,2]"), DataError);
    CHECK_THROWS_AS(decode_rpc_response(std::string("\x89\xaa", 2)), DataError);
    CHECK_THROWS_AS(decode_event("null"), DataError);
    CHECK_THROWS_AS(decode_command("{\"command\":\"\"}"), DataError);
    CHECK(decode_rpc_request("{\"method\":\"echo\"}").method == "echo");
}

TEST_CASE("make_success and make_failure build consistent responses", "[envelope]") {
    const RpcResponse ok = make_success(std::string("req-1"), Json{{"echo", "hi"}});
    CHECK(ok.success);
    CHECK(ok.header.correlation_id == "req-1");
    CHECK(looks_like_uuid4(ok.header.message_id));
    CHECK(looks_like_uuid4(ok.header.trace_id));
    CHECK_FALSE(ok.header.source.has_value());
    CHECK_FALSE(ok.header.target.has_value());
    CHECK_FALSE(ok.error.has_value());
    CHECK(ok.result == Json{{"echo", "hi"}});

    const RpcResponse bad = make_failure(std::nullopt, "Expecting value: line 1 column 1 (char 0)");
    CHECK_FALSE(bad.success);
    CHECK_FALSE(bad.header.correlation_id.has_value());
    CHECK(bad.result.is_null());
    CHECK(bad.error == "Expecting value: line 1 column 1 (char 0)");
    // Both survive their own strict decoder.
    CHECK(decode_rpc_response(encode_envelope(bad, Format::msgpack)).error == bad.error);
    CHECK(decode_rpc_response(encode_envelope(ok, Format::json)).result == ok.result);
}

TEST_CASE("a cleared params map is sent as {}, a non-map one is refused", "[envelope]") {
    RpcRequest r{fixed_header(), "echo", Json(nullptr), 5.0};
    CHECK(to_json_value(r).at("params") == Json::object());
    r.params = Json::array({1});
    CHECK_THROWS_AS(to_json_value(r), aegis::UsageError);
}

TEST_CASE("new_header and the uuid helpers", "[envelope]") {
    const Header h = new_header();
    CHECK(looks_like_uuid4(h.message_id));
    CHECK(looks_like_uuid4(h.trace_id));
    CHECK(h.timestamp.size() == 32);
    CHECK(h.timestamp.ends_with("+00:00"));
    CHECK(parse_timestamp(h.timestamp).has_value());
    std::set<std::string> seen;
    for (int i = 0; i < 2000; ++i) seen.insert(aegis::util::uuid4());
    CHECK(seen.size() == 2000);
    for (const auto& id : seen) REQUIRE(looks_like_uuid4(id));
    CHECK(aegis::util::random_hex(0).empty());
    CHECK(aegis::util::random_hex(-3).empty());
    const std::string h40 = aegis::util::random_hex(40);
    CHECK(h40.size() == 40);
    CHECK(h40.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(aegis::util::random_hex(8) != aegis::util::random_hex(8));
}
