// Golden vectors produced by the real Python SDK (shared/vectors/aegis-sdk-vectors.json,
// docs/protocol.md §13): every sample decodes to its content and re-encodes byte for byte.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::unhex;
using aegis::test::vec;
using aegis::test::vectors;

using aegis::Json;
using namespace aegis::wire;

namespace {

std::string bytes_of(const Json& sample) { return unhex(sample.at("hex").get<std::string>()); }

enum class Kind { request, response, event, command, plain };

// Which envelope a msgpack sample holds, from its name.
Kind kind_of(const std::string& name) {
    if (name.starts_with("rpc_request")) return Kind::request;
    if (name.starts_with("rpc_")) return Kind::response;
    if (name.starts_with("event_")) return Kind::event;
    if (name == "command_send") return Kind::command;
    return Kind::plain;
}

// Through the typed envelope and back: same bytes in the given format.
std::string reencode(Kind kind, std::string_view data, Format f) {
    switch (kind) {
    case Kind::request: return encode_envelope(decode_rpc_request(data), f);
    case Kind::response: return encode_envelope(decode_rpc_response(data), f);
    case Kind::event: return encode_envelope(decode_event(data), f);
    case Kind::command: return encode_envelope(decode_command(data), f);
    case Kind::plain: return encode(decode(data), f);
    }
    return {};
}

SysTime at(const char* text) {
    auto t = parse_timestamp(text);
    REQUIRE(t.has_value());
    return *t;
}

}  // namespace

TEST_CASE("every msgpack sample decodes to its decoded content", "[vectors]") {
    int samples = 0;
    for (const auto& [name, sample] : vectors().items()) {
        if (!sample.contains("hex")) continue;
        INFO(name);
        ++samples;
        const std::string bytes = bytes_of(sample);
        CHECK(sample.at("format") == "msgpack");
        CHECK(sniff(bytes) == Format::msgpack);
        // ordered_json equality: same values *and* same field order.
        CHECK(from_msgpack(bytes) == sample.at("decoded"));
        CHECK(decode(bytes) == sample.at("decoded"));
    }
    CHECK(samples == 13);
}

TEST_CASE("every msgpack sample re-encodes byte for byte", "[vectors]") {
    for (const auto& [name, sample] : vectors().items()) {
        if (!sample.contains("hex")) continue;
        INFO(name);
        const std::string bytes = bytes_of(sample);
        // From the shown content (as a C++ sender would build it) ...
        CHECK(to_msgpack(sample.at("decoded")) == bytes);
        // ... and through the typed envelope.
        CHECK(reencode(kind_of(name), bytes, Format::msgpack) == bytes);
    }
}

TEST_CASE("the envelope first bytes are the documented fixmaps", "[vectors]") {
    CHECK(bytes_of(vec("rpc_request_msgpack"))[0] == '\x89');
    CHECK(bytes_of(vec("rpc_response_success"))[0] == '\x89');
    CHECK(bytes_of(vec("event_order_created"))[0] == '\x8a');
    CHECK(bytes_of(vec("command_send"))[0] == '\x8b');
    CHECK(bytes_of(vec("command_progress"))[0] == '\x84');
    CHECK(bytes_of(vec("command_completion"))[0] == '\x83');
    CHECK(bytes_of(vec("rpc_request_msgpack")).size() == 264);
    CHECK(bytes_of(vec("command_send")).size() == 295);
}

TEST_CASE("JSON envelope samples decode and re-encode byte for byte", "[vectors]") {
    struct Sample {
        const char* text;
        const char* twin;  // the msgpack sample with the same content, if any
        Kind kind;
    };
    const Sample samples[] = {
        {"rpc_request_json", "rpc_request_msgpack", Kind::request},
        {"event_order_created_json", "event_order_created", Kind::event},
        {"rpc_response_json_server", nullptr, Kind::response},
    };
    for (const auto& s : samples) {
        INFO(s.text);
        const std::string text = vec(s.text).at("text").get<std::string>();
        const Json decoded = from_json(text);
        if (s.twin != nullptr) {
            CHECK(decoded == vec(s.twin).at("decoded"));
            // The msgpack twin written as JSON is the JSON sample.
            CHECK(reencode(s.kind, bytes_of(vec(s.twin)), Format::json) == text);
        }
        CHECK(to_json(decoded) == text);
        CHECK(reencode(s.kind, text, Format::json) == text);
        CHECK(decode(text) == decoded);
    }
    const RpcResponse r =
        decode_rpc_response(vec("rpc_response_json_server").at("text").get<std::string>());
    CHECK(r.success);
    CHECK(r.header.correlation_id == "d5a7f540-df5b-4b5a-82b0-ab43f93c0717");
    CHECK(r.result.at("length") == 13);
}

TEST_CASE("KV values re-encode byte for byte with ASCII JSON", "[vectors]") {
    int samples = 0;
    for (const auto& [name, sample] : vectors().items()) {
        if (!sample.contains("value_bytes")) continue;
        INFO(name);
        ++samples;
        const std::string text = sample.at("value_bytes").get<std::string>();
        const Json value = from_json(text);
        CHECK(value.is_object());
        CHECK(to_json_ascii(value) == text);
    }
    CHECK(samples == 5);
    const Json leader =
        from_json(vec("election_leader_value").at("value_bytes").get<std::string>());
    CHECK(leader.at("elected_at").is_number_float());
    CHECK(leader.at("elected_at").get<double>() == epoch_seconds(at("2025-08-07T10:19:00Z")));
}

TEST_CASE("internal.* payloads (Python default separators) decode", "[vectors]") {
    int samples = 0;
    for (const auto& [name, sample] : vectors().items()) {
        if (!sample.contains("payload") || !sample.at("payload").is_string()) continue;
        INFO(name);
        ++samples;
        const std::string text = sample.at("payload").get<std::string>();
        const Json value = decode(text);
        CHECK(value.at("timestamp").is_number_float());
        // No string in these payloads contains ", " or ": ": dropping the spaces gives the
        // compact form, which our writer must reproduce.
        std::string compact;
        for (std::size_t i = 0; i < text.size(); ++i) {
            compact.push_back(text[i]);
            if ((text[i] == ',' || text[i] == ':') && i + 1 < text.size() && text[i + 1] == ' ')
                ++i;
        }
        CHECK(to_json_ascii(value) == compact);
    }
    CHECK(samples == 4);
    const Json reg = from_json(vec("internal_registry_register").at("payload").get<std::string>());
    CHECK(reg.at("timestamp").get<double>() ==
          epoch_seconds(at("2025-08-07T10:15:30.123456+00:00")));
    const Json beat = from_json(vec("internal_heartbeat").at("payload").get<std::string>());
    CHECK(beat.at("timestamp").get<double>() ==
          epoch_seconds(at("2025-08-07T10:15:40.125001+00:00")));
    CHECK(beat.at("metrics").at("counters").at("services.registered") == 1);
}

TEST_CASE("typed envelopes read the golden samples field by field", "[vectors]") {
    const RpcRequest req = decode_rpc_request(bytes_of(vec("rpc_request_msgpack")));
    CHECK(req.header.message_id == "d5a7f540-df5b-4b5a-82b0-ab43f93c0717");
    CHECK_FALSE(req.header.correlation_id.has_value());
    CHECK(req.header.source == "echo-client-9d0c7b55");
    CHECK(req.header.target == "echo-service");
    CHECK(req.method == "echo");
    CHECK(req.params == Json{{"message", "Hello, World!"}});
    CHECK(req.timeout == 5.0);

    const RpcResponse error = decode_rpc_response(bytes_of(vec("rpc_response_extra_field")));
    CHECK_FALSE(error.success);
    CHECK(error.result.is_null());
    REQUIRE(error.error.has_value());
    CHECK(error.error->find("x_extra\n  Extra inputs are not permitted") != std::string::npos);

    const RpcResponse not_active = decode_rpc_response(bytes_of(vec("rpc_not_active")));
    CHECK(not_active.success);  // NOT_ACTIVE travels inside a successful response
    CHECK(not_active.result.at("error") == "NOT_ACTIVE");

    const Event ev = decode_event(bytes_of(vec("event_leader_elected")));
    CHECK(ev.domain == "sticky_active");
    CHECK(ev.event_type == "LeaderElected");
    CHECK(ev.version == "1.0");
    CHECK(ev.payload.at("elected_at") == pydantic_timestamp(at("2025-08-07T10:19:00+00:00")));

    const Command cmd = decode_command(bytes_of(vec("command_send")));
    CHECK(cmd.command == "process_batch");
    CHECK(cmd.priority == "high");
    CHECK(cmd.max_retries == 3);
    CHECK(cmd.timeout == 60.0);
    CHECK(cmd.payload == Json{{"batch_id", "B-42"}, {"size", 10}});
}

TEST_CASE("local-only envelope samples validate and rebuild", "[vectors]") {
    const Json& request = vec("rpc_response_handler_error").at("request");
    CHECK(to_json_value(rpc_request_from(request)) == request);
    const Json& timeout = vec("client_timeout_local").at("response");
    const RpcResponse r = rpc_response_from(timeout);
    CHECK(r.error == "Timeout calling echo-service.echo");
    CHECK(to_json_value(r) == timeout);
}

TEST_CASE("golden times format as Python writes them", "[vectors]") {
    for (const char* text :
         {"2025-08-07T10:15:41.500000+00:00", "2025-08-07T10:16:00+00:00",
          "2025-08-07T10:15:41.502731+00:00", "2025-08-07T10:17:00.250000+00:00",
          "2025-08-07T10:18:00+00:00", "2025-08-07T10:19:00+00:00",
          "2025-08-07T10:15:30.123456+00:00", "2025-08-07T10:18:59.900000+00:00"}) {
        INFO(text);
        CHECK(python_isoformat(at(text)) == text);
    }
    CHECK(iso_timestamp(at("2025-08-07T10:16:00+00:00")) == "2025-08-07T10:16:00.000000+00:00");
    CHECK(vec("command_progress").at("decoded").at("timestamp").get<double>() ==
          epoch_seconds(
              at(vec("command_send").at("decoded").at("timestamp").get<std::string>().c_str())));
    CHECK(python_isoformat(from_epoch_seconds(1754561730.123456)) ==
          "2025-08-07T10:15:30.123456+00:00");
    CHECK(python_isoformat(from_epoch_seconds(1754561740.125001)) ==
          "2025-08-07T10:15:40.125001+00:00");
}

TEST_CASE("golden subjects, queues and keys", "[vectors]") {
    const Json& subs = vec("rpc_subscriptions").at("subs");
    CHECK(rpc_subject("echo-service", "echo") == subs.at(0).at("subject"));
    CHECK(rpc_queue("echo-service") == subs.at(0).at("queue"));
    CHECK(rpc_subject("order-processor", "process_order") == vec("rpc_not_active").at("subject"));
    CHECK(rpc_queue("order-processor") == vec("rpc_not_active").at("queue"));
    CHECK(event_subject("order", "created") == vec("event_order_created").at("subject"));
    CHECK(event_subject("sticky_active", "LeaderElected") ==
          vec("event_leader_elected").at("subject"));
    for (const auto& s : {subs.at(1), subs.at(2)})
        CHECK(check_event_pattern(s.at("subject").get<std::string>()).empty());
    const std::string id = vec("command_send").at("decoded").at("message_id");
    CHECK(command_subject("order-processor", "process_batch") == vec("command_send").at("subject"));
    CHECK(command_progress_subject(id) == vec("command_progress").at("subject"));
    CHECK(command_callback_subject(id) == vec("command_completion").at("subject"));
    CHECK(registry_key("echo-service", "echo-service-3f2a9c1e") ==
          vec("registry_register_value").at("key"));
    CHECK(k_registry_bucket == vec("registry_register_value").at("bucket").get<std::string>());
    CHECK(registry_key("order-processor", "order-processor-7b1e4d2a") ==
          vec("sticky_registry_value").at("key"));
    CHECK(leader_key("order-processor", "default") == vec("election_leader_value").at("key"));
    CHECK(election_bucket("order-processor") == "election_order_processor");
    std::string service, instance;
    REQUIRE(parse_registry_key(vec("registry_heartbeat_value").at("key").get<std::string>(),
                               service, instance));
    CHECK(service == "echo-service");
    CHECK(instance == "echo-service-3f2a9c1e");
    CHECK(check_service_name(service).empty());
    CHECK(check_instance_id(instance).empty());
    CHECK(check_instance_id("order-processor-7b1e4d2a").empty());
    CHECK(check_method_name("process_batch").empty());
    CHECK(check_group_id("default").empty());
}

TEST_CASE("the vendored vectors equal ../shared", "[vectors]") {
    // tests/data/shared is a copy for clones without ../shared; it must not fall behind.
    namespace fs = std::filesystem;
    const fs::path shared = fs::path(AEGIS_SOURCE_DIR) / ".." / "shared" / "vectors";
    const fs::path copy = fs::path(AEGIS_TEST_DATA_DIR) / "shared" / "vectors";
    REQUIRE(fs::exists(copy / "aegis-sdk-vectors.json"));
    if (!fs::exists(shared)) {
        WARN("no ../shared beside the repository: only the vendored copy is used");
        return;
    }
    auto read = [](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    size_t compared = 0;
    for (const auto& e : fs::recursive_directory_iterator(shared)) {
        if (!e.is_regular_file()) continue;
        auto rel = fs::relative(e.path(), shared);
        INFO(rel.string());
        REQUIRE(fs::exists(copy / rel));
        CHECK(read(copy / rel) == read(e.path()));
        ++compared;
    }
    CHECK(compared > 10);
}
