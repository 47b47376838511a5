// The checked subject builders (core/wire/subjects.hpp): every name that becomes part of a subject,
// a KV bucket or a KV key is checked first, and a bad one is an InvalidNameError (a UsageError,
// exit 2) before anything is built — names the Python SDK accepts stay valid.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/util/error.hpp"
#include "core/wire/names.hpp"
#include "core/wire/subjects.hpp"

using namespace aegis::wire;
using aegis::InvalidNameError;

namespace {

// The injection of issue 19, and the other names that widen, split or break a subject.
const std::vector<std::string> k_hostile = {
    "echo _X 0\r\n\r\nPUB injected.by.load 5\r\nHELLO\r\nPUB rpc.codec-svc.echo",
    "x\r\nPUB injected 5",
    "a b",
    "a\tb",
    "a\nb",
    "echo.*",
    "*",
    ">",
    "a.b",
    "",
    "d\xc3\xb6main",
    std::string("nul\0x", 5),
    "del\x7f",
    std::string(129, 'a'),
};

}  // namespace

TEST_CASE("rpc_subject refuses every hostile service and method name", "[subjects]") {
    for (const auto& bad : k_hostile) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(rpc_subject(bad, "echo"), InvalidNameError);
        CHECK_THROWS_AS(rpc_subject("echo-service", bad), InvalidNameError);
        CHECK_THROWS_AS(require_rpc_names(bad, "echo"), InvalidNameError);
        CHECK_THROWS_AS(rpc_queue(bad), InvalidNameError);
    }
    // A usage error (exit 2), one line, the name shown without its control characters.
    try {
        rpc_subject("codec-svc", "echo _X 0\r\nPUB injected 5\r\nHELLO");
        FAIL("accepted");
    } catch (const aegis::UsageError& e) {
        CHECK(e.code() == aegis::exit_code::usage);
        const std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.find('\r') == std::string::npos);
        CHECK(what.find("method name") != std::string::npos);
    }
}

TEST_CASE("names the Python SDK accepts stay valid targets", "[subjects]") {
    // Service ^[a-zA-Z][a-zA-Z0-9-_]*$, instance ids as targets (ServiceNameResolver), methods.
    for (const char* service : {"echo-service", "order_processor", "OrderService", "Order_Svc-2",
                                "a", "svc-7b1e4d2a", "3f2a9c1e-instance"}) {
        INFO(service);
        CHECK(rpc_subject(service, "process_order") ==
              "rpc." + std::string(service) + ".process_order");
        CHECK_NOTHROW(command_subject(service, "process_batch"));
        CHECK_NOTHROW(election_bucket(service));
        CHECK_NOTHROW(registry_key(service, "i-1"));
    }
    CHECK(rpc_subject("echo-service", "getX_2") == "rpc.echo-service.getX_2");
    CHECK(command_subject("order-processor", "process-batch") ==
          "commands.order-processor.process-batch");
}

TEST_CASE("events: a subject takes no wildcard, a pattern only whole-token ones", "[subjects]") {
    CHECK(event_subject("order", "created") == "events.order.created");
    CHECK(event_subject("sticky_active", "LeaderElected") == "events.sticky_active.LeaderElected");
    CHECK(event_subject("service", "service.registered") == "events.service.service.registered");
    for (const auto& bad : k_hostile) {
        INFO("'" << bad << "'");
        if (bad == "a.b") continue;  // a dot adds a token to an event part, as in Python
        CHECK_THROWS_AS(event_subject(bad, "created"), InvalidNameError);
        CHECK_THROWS_AS(event_subject("order", bad), InvalidNameError);
    }
    for (const char* ok : {"events.order.*", "events.>", "events.*.created", "events.order.>"})
        CHECK(event_pattern_subject(ok) == ok);
    for (const char* bad : {"events.order.cr*", "events.>.x", "events.order created",
                            "events.order.\r\nPUB x 1", "events..x", "order.*", "events.a\tb"}) {
        INFO(bad);
        CHECK_THROWS_AS(event_pattern_subject(bad), InvalidNameError);
    }
    CHECK_THROWS_AS(event_pattern_subject("events." + std::string(300, 'a')), InvalidNameError);
}

TEST_CASE("commands: names and the sender's id (it names the progress subjects)", "[subjects]") {
    CHECK(command_progress_subject("9af48731-a6a3-4754-9846-e9490cd7be48") ==
          "commands.progress.9af48731-a6a3-4754-9846-e9490cd7be48");
    for (const auto& bad : k_hostile) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(command_subject(bad, "cmd"), InvalidNameError);
        CHECK_THROWS_AS(command_subject("svc", bad), InvalidNameError);
        CHECK_THROWS_AS(command_progress_subject(bad), InvalidNameError);
        CHECK_THROWS_AS(command_callback_subject(bad), InvalidNameError);
    }
}

TEST_CASE("KV: bucket names, keys and the registry / election keys", "[subjects]") {
    CHECK(kv_subject("service_registry", "service-instances__a__b") ==
          "$KV.service_registry.service-instances__a__b");
    CHECK(kv_subject("election_x", "sticky-active.x.default.leader") ==
          "$KV.election_x.sticky-active.x.default.leader");
    for (const char* bad : {"a.b", "a b", "*", ">", "", "a\r\nb", "b\xc3\xb6"}) {
        INFO(bad);
        CHECK_THROWS_AS(require_bucket_name(bad), InvalidNameError);
        CHECK_THROWS_AS(kv_subject(bad, "k"), InvalidNameError);
    }
    for (const char* bad : {"a b", "*", ">", "", ".a", "a.", "a..b", "a\r\nPUB x 1", "k\xc3\xb6"}) {
        INFO(bad);
        CHECK_THROWS_AS(require_kv_key(bad), InvalidNameError);
    }
    for (const auto& bad : k_hostile) {
        INFO("'" << bad << "'");
        CHECK_THROWS_AS(election_bucket(bad), InvalidNameError);
        CHECK_THROWS_AS(registry_key(bad, "i-1"), InvalidNameError);
        CHECK_THROWS_AS(registry_key("svc", bad), InvalidNameError);
        CHECK_THROWS_AS(registry_service_prefix(bad), InvalidNameError);
        CHECK_THROWS_AS(leader_key(bad, "default"), InvalidNameError);
        CHECK_THROWS_AS(leader_key("svc", bad), InvalidNameError);
    }
}

TEST_CASE("the last guard: what can stand on a protocol line at all", "[subjects]") {
    CHECK(sendable_subject("rpc.svc.echo"));
    CHECK(sendable_subject("_INBOX.abc.*"));
    CHECK(sendable_subject("$KV.b.k"));
    for (const auto& bad : {std::string(), std::string("a b"), std::string("a\r\nPUB x 1"),
                            std::string("a\tb"), std::string("a\x7f"), std::string("a\0b", 3),
                            std::string(4001, 'a')}) {
        CHECK_FALSE(sendable_subject(bad));
        CHECK_THROWS_AS(require_sendable_subject(bad), InvalidNameError);
    }
    CHECK_THROWS_WITH(require_sendable_subject("x\r\nPUB y 1"),
                      Catch::Contains("'x??PUB y 1' cannot be a NATS subject"));
}
