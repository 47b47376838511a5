// The direct RPC codec (core/wire/rpc_codec.hpp) against the general one: the same bytes out,
// the same envelopes in, and for anything unusual the general decoder's own verdict.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/rpc_codec.hpp"
#include "tests/support/helpers.hpp"

using aegis::DataError;
using aegis::Json;
using aegis::UsageError;
using aegis::test::unhex;
using aegis::test::vec;
using namespace aegis::wire;

namespace {

const char* const k_request_samples[] = {"rpc_request_msgpack"};
const char* const k_response_samples[] = {
    "rpc_response_success",     "rpc_response_to_json_request", "rpc_response_handler_error",
    "rpc_response_bad_request", "rpc_response_extra_field",     "rpc_not_active",
    "rpc_exclusive_active"};

std::string hex_of(std::string_view bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string sample_bytes(const char* name) { return unhex(vec(name).at("hex").get<std::string>()); }

// What a decode gives: the envelope as JSON, or the error text. Header fields the input lacks
// are filled with fresh values by both decoders, so they are compared only when present.
struct Outcome {
    std::optional<Json> value;
    std::string error;
};

template <class Decode>
Outcome run(Decode decode) {
    try {
        return {to_json_value(decode()), {}};
    } catch (const DataError& e) {
        return {std::nullopt, e.what()};
    }
}

void check_same(const Outcome& general, const Outcome& direct, std::string_view input) {
    REQUIRE(general.value.has_value() == direct.value.has_value());
    if (!general.value) {
        CHECK(direct.error == general.error);
        return;
    }
    Json a = *general.value, b = *direct.value;
    Json raw;
    try {
        raw = decode(input);
    } catch (const DataError&) {
    }
    for (const char* fresh : {"message_id", "trace_id", "timestamp"}) {
        if (!raw.is_object() || !raw.contains(fresh)) a[fresh] = b[fresh];
    }
    CHECK(b == a);
}

// Both decoders on the same bytes must agree.
void check_request(std::string_view bytes) {
    INFO(hex_of(bytes));
    check_same(run([&] { return rpc_request_from(decode(bytes)); }),
               run([&] { return decode_rpc_request(bytes); }), bytes);
}

void check_response(std::string_view bytes) {
    INFO(hex_of(bytes));
    check_same(run([&] { return rpc_response_from(decode(bytes)); }),
               run([&] { return decode_rpc_response(bytes); }), bytes);
}

// Every single-byte change of `bytes` to a handful of telling values, and every truncation.
std::vector<std::string> mutations(const std::string& bytes) {
    std::vector<std::string> out;
    const unsigned char values[] = {0x00, 0x7f, 0x80, 0x91, 0xa0, 0xa6, 0xc0, 0xc1, 0xc2,
                                    0xc3, 0xc4, 0xcb, 0xd9, 0xde, 0xe0, 0xff};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (unsigned char v : values) {
            std::string m = bytes;
            m[i] = static_cast<char>(v);
            out.push_back(std::move(m));
        }
        out.push_back(bytes.substr(0, i));
    }
    out.push_back(bytes + '\xc0');
    return out;
}

}  // namespace

TEST_CASE("the direct reader and writer agree with the golden RPC vectors", "[rpc_codec]") {
    for (const char* name : k_request_samples) {
        INFO(name);
        const std::string bytes = sample_bytes(name);
        auto direct = rpc_request_from_msgpack(bytes);
        REQUIRE(direct.has_value());
        CHECK(to_json_value(*direct) == vec(name).at("decoded"));
        CHECK(rpc_to_msgpack(*direct) == bytes);
    }
    for (const char* name : k_response_samples) {
        INFO(name);
        const std::string bytes = sample_bytes(name);
        auto direct = rpc_response_from_msgpack(bytes);
        REQUIRE(direct.has_value());
        CHECK(to_json_value(*direct) == vec(name).at("decoded"));
        CHECK(rpc_to_msgpack(*direct) == bytes);
    }
}

TEST_CASE("new requests and responses are the bytes of the general encoder", "[rpc_codec]") {
    const Json params = {{"message", "h\xc3\xa9llo"}, {"n", 3}, {"x", 1.5}, {"l", {1, "a"}}};
    for (Format f : {Format::msgpack, Format::json}) {
        INFO(format_name(f));
        RequestSpec spec;
        spec.method = "echo";
        spec.params = &params;
        spec.timeout = 2.5;
        spec.source = "client-1";
        spec.target = "svc";
        std::string id;
        const std::string req = encode_new_request(spec, f, &id);
        const RpcRequest back = decode_rpc_request(req);
        CHECK(back.header.message_id == id);
        CHECK(back.params == params);
        CHECK(back.timeout == 2.5);
        CHECK(back.header.source == "client-1");
        CHECK(back.header.target == "svc");
        CHECK_FALSE(back.header.correlation_id.has_value());
        CHECK(encode(to_json_value(back), f) == req);
        CHECK(sniff(req) == f);

        spec.message_id = "kept-across-retries";
        spec.params = nullptr;
        const RpcRequest kept = decode_rpc_request(encode_new_request(spec, f));
        CHECK(kept.header.message_id == "kept-across-retries");
        CHECK(kept.params == Json::object());

        const std::string ok = encode_new_response(std::string_view(id), params, nullptr, f);
        const RpcResponse ok_back = decode_rpc_response(ok);
        CHECK(ok_back.success);
        CHECK(ok_back.result == params);
        CHECK(ok_back.header.correlation_id == id);
        CHECK_FALSE(ok_back.header.source.has_value());
        CHECK(encode(to_json_value(ok_back), f) == ok);

        const std::string why = "boom";
        const std::string bad = encode_new_response(std::nullopt, params, &why, f);
        const RpcResponse bad_back = decode_rpc_response(bad);
        CHECK_FALSE(bad_back.success);
        CHECK(bad_back.error == "boom");
        CHECK(bad_back.result.is_null());
        CHECK_FALSE(bad_back.header.correlation_id.has_value());
        CHECK(encode(to_json_value(bad_back), f) == bad);
    }
}

TEST_CASE("params that are not a map are refused before anything is sent", "[rpc_codec]") {
    const Json list = Json::array({1, 2});
    RequestSpec spec;
    spec.method = "echo";
    spec.params = &list;
    for (Format f : {Format::msgpack, Format::json})
        CHECK_THROWS_AS(encode_new_request(spec, f), UsageError);
}

TEST_CASE("unusual envelopes are left to the general decoder", "[rpc_codec]") {
    const Json base = vec("rpc_request_msgpack").at("decoded");
    auto with = [&](const char* key, Json v) {
        Json j = base;
        j[key] = std::move(v);
        return to_msgpack(j);
    };
    // Not taken by the direct reader ...
    CHECK_FALSE(rpc_request_from_msgpack(with("method", 7)));
    CHECK_FALSE(rpc_request_from_msgpack(with("method", "  ")));
    CHECK_FALSE(rpc_request_from_msgpack(with("message_id", nullptr)));
    CHECK_FALSE(rpc_request_from_msgpack(with("params", Json::array())));
    CHECK_FALSE(rpc_request_from_msgpack(with("timeout", 0)));
    CHECK_FALSE(rpc_request_from_msgpack(with("timeout", true)));
    CHECK_FALSE(rpc_request_from_msgpack(to_msgpack(Json::array({1}))));
    // ... a duplicate field (Python keeps the last value) ...
    std::string dup = sample_bytes("rpc_request_msgpack");
    dup[0] = '\x8a';
    dup += "\xa6method\xa5other";
    CHECK_FALSE(rpc_request_from_msgpack(dup));
    CHECK(decode_rpc_request(dup).method == "other");
    // ... and a bin string where a str belongs, which the general decoder tolerates.
    Json j = base;
    j.erase("method");
    std::string bin = to_msgpack(j);
    bin[0] = '\x89';
    bin += "\xa6method\xc4\x04" "echo";
    CHECK_FALSE(rpc_request_from_msgpack(bin));
    CHECK(decode_rpc_request(bin).method == "echo");
    // Everything else the direct reader does take, with the general decoder's results.
    auto taken = rpc_request_from_msgpack(with("unknown_field", {{"a", 1}}));
    REQUIRE(taken);
    CHECK(taken->method == "echo");
    auto padded = rpc_request_from_msgpack(with("method", " echo\t"));
    REQUIRE(padded);
    CHECK(padded->method == "echo");
    auto as_int = rpc_request_from_msgpack(with("timeout", 3));
    REQUIRE(as_int);
    CHECK(as_int->timeout == 3.0);

    const Json ok = vec("rpc_response_success").at("decoded");
    Json both = ok;
    both["error"] = "x";
    CHECK_FALSE(rpc_response_from_msgpack(to_msgpack(both)));
    Json neither = ok;
    neither["success"] = false;
    CHECK_FALSE(rpc_response_from_msgpack(to_msgpack(neither)));
    CHECK_THROWS_AS(decode_rpc_response(to_msgpack(neither)), DataError);
}

TEST_CASE("both decoders agree on every mutation of the RPC vectors", "[rpc_codec]") {
    for (const char* name : k_request_samples)
        for (const auto& m : mutations(sample_bytes(name))) check_request(m);
    for (const char* name : k_response_samples)
        for (const auto& m : mutations(sample_bytes(name))) check_response(m);
}
