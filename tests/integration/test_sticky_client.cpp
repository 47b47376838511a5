// The sticky-active client against a real nats-server: every NOT_ACTIVE shape of docs/protocol.md
// §3.6 is retried with the same message id, no responders too, and attempts are reported.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <thread>

#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/envelope.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// Answers the first attempt of every message id with `refusal`, later attempts with success.
struct Refuser {
    std::mutex mutex;
    std::map<std::string, int> attempts;  // per message id
    nats::Subscription sub;

    Refuser(nats::Connection& conn, const std::string& subject,
            std::function<std::string(const wire::RpcRequest&)> refusal) {
        sub = conn.subscribe(subject, [this, &conn, refusal](nats::Msg& m) {
            auto req = wire::decode_rpc_request(m.data());
            int n;
            {
                std::lock_guard lk(mutex);
                n = ++attempts[req.header.message_id];
            }
            std::string reply =
                n == 1 ? refusal(req)
                       : wire::encode_envelope(
                             wire::make_success(req.header.message_id, Json{{"ok", true}}),
                             wire::Format::msgpack);
            conn.publish(m.reply(), reply);
        });
        conn.flush();
    }
};

std::string envelope(const wire::RpcRequest& req, bool success, Json result,
                     std::optional<std::string> error = std::nullopt) {
    auto r = success ? wire::make_success(req.header.message_id, std::move(result))
                     : wire::make_failure(req.header.message_id, *error);
    return wire::encode_envelope(r, wire::Format::msgpack);
}

RetryPolicy quick_retry(int attempts = 3) {
    RetryPolicy p;
    p.attempts = attempts;
    p.initial_delay = 10ms;
    p.max_delay = 100ms;
    return p;
}

}  // namespace

TEST_CASE("failover: the sticky client retries each NOT_ACTIVE shape with the same message id") {
    test::NatsServer server;
    auto conn = server.connect("responder");
    const std::map<std::string, std::function<std::string(const wire::RpcRequest&)>> shapes = {
        {"G6 result of a Python standby",
         [](const wire::RpcRequest& q) {
             return envelope(q, true,
                             Json{{"success", false},
                                  {"error", "NOT_ACTIVE"},
                                  {"message", "This instance is not active."},
                                  {"result", nullptr}});
         }},
        {"envelope error NOT_ACTIVE: …",
         [](const wire::RpcRequest& q) { return envelope(q, false, {}, "NOT_ACTIVE: standby"); }},
        {"envelope error 'not the active instance'",
         [](const wire::RpcRequest& q) {
             return envelope(q, false, {}, "Exception: not the active instance");
         }},
        {"scaffold error_code in the result",
         [](const wire::RpcRequest& q) {
             return envelope(q, true,
                             Json{{"error", true},
                                  {"error_code", "NOT_ACTIVE"},
                                  {"error_message", "Not the active leader"}});
         }},
        {"raw JSON with a top-level error_code",
         [](const wire::RpcRequest&) { return std::string(R"({"error_code":"NOT_ACTIVE"})"); }},
    };
    int i = 0;
    for (const auto& [name, refusal] : shapes) {
        INFO(name);
        std::string service = "shape-" + std::to_string(i++);
        Refuser refuser(*conn, "rpc." + service + ".op", refusal);
        StickyClient client(server.connect("client"), quick_retry());
        auto r = client.call_raw(service, "op", Json::object());
        CHECK(r.ok);
        CHECK(r.attempt_count() == 2);
        CHECK(r.attempts[0].outcome == AttemptOutcome::not_active);
        CHECK(r.result == Json{{"ok", true}});
        std::lock_guard lk(refuser.mutex);
        CHECK(refuser.attempts.size() == 1);  // both attempts carried one message id
        CHECK(refuser.attempts.count(r.message_id) == 1);
    }
}

TEST_CASE("failover: the sticky client gives up after the attempts, naming them") {
    test::NatsServer server;
    auto conn = server.connect("responder");
    auto sub = conn->subscribe("rpc.always-standby.op", [&](nats::Msg& m) {
        auto q = wire::decode_rpc_request(m.data());
        conn->publish(m.reply(), envelope(q, false, {}, "NOT_ACTIVE: never"));
    });
    conn->flush();
    StickyClient client(server.connect("client"), quick_retry(4));
    auto r = client.call_raw("always-standby", "op", Json::object());
    CHECK_FALSE(r.ok);
    CHECK(r.attempt_count() == 4);
    CHECK(r.outcome == AttemptOutcome::not_active);
    CHECK_THROWS_AS(client.call("always-standby", "op", Json::object()), UnavailableError);
    // A real error is not retried.
    auto sub2 = conn->subscribe("rpc.broken.op", [&](nats::Msg& m) {
        auto q = wire::decode_rpc_request(m.data());
        conn->publish(m.reply(), envelope(q, false, {}, "division by zero"));
    });
    conn->flush();
    auto bad = client.call_raw("broken", "op", Json::object());
    CHECK(bad.attempt_count() == 1);
    CHECK(bad.outcome == AttemptOutcome::remote_error);
    CHECK_THROWS_AS(client.call("broken", "op", Json::object()), RemoteError);
}

TEST_CASE("failover: no responders during a failover are retried until a leader subscribes") {
    test::NatsServer server;
    auto conn = server.connect("late");
    nats::Subscription sub;
    std::thread late([&] {
        std::this_thread::sleep_for(150ms);  // the new leader subscribes a moment later
        sub = conn->subscribe("rpc.late-leader.op", [&](nats::Msg& m) {
            auto q = wire::decode_rpc_request(m.data());
            conn->publish(m.reply(), envelope(q, true, Json{{"served", true}}));
        });
        conn->flush();
    });
    RetryPolicy p = quick_retry(8);
    p.initial_delay = 40ms;
    StickyClient client(server.connect("client"), p);
    auto r = client.call_raw("late-leader", "op", Json::object());
    late.join();
    CHECK(r.ok);
    CHECK(r.attempt_count() > 1);
    CHECK(r.attempts[0].outcome == AttemptOutcome::no_responders);
    p.retry_no_responders = false;
    StickyClient strict(server.connect("strict"), p);
    auto none = strict.call_raw("nobody-at-all", "op", Json::object());
    CHECK(none.attempt_count() == 1);
    CHECK_THROWS_AS(strict.call("nobody-at-all", "op", Json::object()), NoRespondersError);
}
