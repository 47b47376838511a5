// A server without JetStream ("start nats-server with -js") is told from a JetStream that is
// there but does not answer (a wedged or leaderless one: try again later) — by the no-responders
// status, the API's error codes and timeouts, never by the server's text.
#include <catch2/catch.hpp>

#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;

namespace {

std::shared_ptr<nats::Connection> connect_short(const test::NatsServer& server) {
    nats::ConnectOptions o;
    o.servers = {server.url()};
    o.jetstream_timeout = 300ms;
    return nats::Connection::connect(o);
}

template <class F>
void check_not_enabled(F f) {
    try {
        f();
        FAIL("no error");
    } catch (const UnavailableError& e) {
        CHECK(contains(e.what(), "JetStream is not enabled"));
        CHECK(contains(e.hint(), "-js"));
    }
}

template <class F>
void check_not_answering(F f) {
    try {
        f();
        FAIL("no error");
    } catch (const TimeoutError& e) {
        CHECK(contains(e.what(), "JetStream is enabled but did not answer"));
        CHECK_FALSE(contains(e.hint(), "-js"));
    }
}

}  // namespace

TEST_CASE("JetStream: 'not enabled' and 'not answering' are told apart") {
    test::NatsServer::Options so;
    so.jetstream = false;
    test::NatsServer server(so);
    auto conn = connect_short(server);
    SECTION("nobody answers the API: not enabled") {
        check_not_enabled([&] { nats::stream_info(*conn, "EVENTS"); });
        check_not_enabled([&] { nats::kv_bucket_names(*conn); });
        check_not_enabled([&] { nats::KeyValue::open(conn, "reach", 300ms); });
    }
    SECTION("the API takes requests and never answers: not answering") {
        auto api = server.connect("api");
        auto sub = api->subscribe("$JS.API.>", [](nats::Msg&) {});
        api->flush();
        check_not_answering([&] { nats::stream_info(*conn, "EVENTS"); });
        check_not_answering([&] { nats::kv_bucket_names(*conn); });
        check_not_answering([&] { nats::KeyValue::open(conn, "reach", 300ms); });
    }
    SECTION("the API answers with its error codes") {
        auto api = server.connect("api");
        auto account = api->subscribe("$JS.API.STREAM.INFO.OFF", [&](nats::Msg& m) {
            api->publish(m.reply(), R"({"type":"io.nats.jetstream.api.v1.stream_info_response",)"
                                    R"("error":{"code":503,"err_code":10039,)"
                                    R"("description":"whatever the server says"}})");
        });
        auto leaderless = api->subscribe("$JS.API.STREAM.INFO.BUSY", [&](nats::Msg& m) {
            api->publish(m.reply(), R"({"type":"io.nats.jetstream.api.v1.stream_info_response",)"
                                    R"("error":{"code":503,"err_code":10008,)"
                                    R"("description":"whatever the server says"}})");
        });
        api->flush();
        check_not_enabled([&] { nats::stream_info(*conn, "OFF"); });
        check_not_answering([&] { nats::stream_info(*conn, "BUSY"); });
    }
}
