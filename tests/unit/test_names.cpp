// Name rules (docs/protocol.md §12.1) and subject / key builders.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/util/error.hpp"
#include "core/wire/names.hpp"

using namespace aegis::wire;

namespace {

struct Row {
    std::string name;
    bool ok;
};

// Every row: accepted iff ok; a rejection is one line that quotes the name.
void check_table(std::string (*check)(std::string_view), const std::vector<Row>& rows) {
    for (const auto& row : rows) {
        INFO("'" << row.name << "'");
        const std::string why = check(row.name);
        CHECK(why.empty() == row.ok);
        if (!row.ok) {
            CHECK(why.find('\n') == std::string::npos);
            CHECK(why.find("must match") != std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("service names", "[names]") {
    const std::vector<Row> rows = {
        {"echo-service", true},
        {"order-processor", true},
        {"abc", true},
        {"a1b", true},
        {"a-1", true},
        {std::string(64, 'a'), true},
        {"ab", false},
        {std::string(65, 'a'), false},
        {"", false},
        {"Echo-service", false},
        {"1abc", false},
        {"-abc", false},
        {"abc-", false},
        {"ab--c", false},
        {"ab__c", false},
        {"ab_c", false},
        {"ab.c", false},
        {"ab c", false},
        {"abc\n", false},
        {"caf\xc3\xa9", false},
    };
    check_table(check_service_name, rows);
    CHECK_THAT(check_service_name("Bad"), Catch::Contains("'Bad'"));
    CHECK_THAT(check_service_name("ab--c"), Catch::Contains("'--'"));
    CHECK_THAT(check_service_name("ab.c"), Catch::Contains("character 3"));
    // Control characters never break the one-line message.
    CHECK(check_service_name("a\nb").find('\n') == std::string::npos);
}

TEST_CASE("instance ids", "[names]") {
    const std::vector<Row> rows = {
        {"echo-service-3f2a9c1e", true},
        {"Echo-Service-1", true},
        {"1", true},
        {"a_b-c", true},
        {std::string(100, 'x'), true},
        {std::string(101, 'x'), false},
        {"", false},
        {"-a", false},
        {"_a", false},
        {"a__b", false},
        {"a.b", false},
        {"a b", false},
        {"a/b", false},
        {"a:b", false},
    };
    check_table(check_instance_id, rows);
}

TEST_CASE("method names", "[names]") {
    const std::vector<Row> rows = {
        {"echo", true},   {"process_batch", true}, {"getX2", true},  {"A", true},    {"", false},
        {"1echo", false}, {"_echo", false},        {"get-x", false}, {"a.b", false}, {"a b", false},
    };
    check_table(check_method_name, rows);
}

TEST_CASE("group ids", "[names]") {
    const std::vector<Row> rows = {
        {"default", true},  {"g1", true},  {"1g", true},  {"a_b-c", true}, {"", false},
        {"Default", false}, {"-a", false}, {"_a", false}, {"a.b", false},  {"a b", false},
    };
    check_table(check_group_id, rows);
}

TEST_CASE("event patterns", "[names]") {
    const std::vector<Row> rows = {
        {"events.order.created", true},
        {"events.order.*", true},
        {"events.audit.>", true},
        {"events.>", true},
        {"events.*.created", true},
        {"events.sticky_active.LeaderElected", true},
        {"events.a-b.c_d", true},
        {"events", false},
        {"events.", false},
        {"order.created", false},
        {"events..x", false},
        {"events.x.", false},
        {"events.>.x", false},
        {"events.1x", false},
        {"events.a*", false},
        {"events.a b", false},
        {"Events.x", false},
    };
    check_table(check_event_pattern, rows);
}

TEST_CASE("throwing forms raise UsageError", "[names]") {
    CHECK_NOTHROW(require_service_name("echo-service"));
    CHECK_NOTHROW(require_instance_id("echo-service-3f2a9c1e"));
    CHECK_NOTHROW(require_method_name("echo"));
    CHECK_THROWS_AS(require_service_name("Echo"), aegis::UsageError);
    CHECK_THROWS_AS(require_instance_id("a__b"), aegis::UsageError);
    CHECK_THROWS_AS(require_method_name("get-x"), aegis::UsageError);
    CHECK_THROWS_WITH(require_method_name("get-x"), Catch::Contains("'get-x'"));
}

TEST_CASE("subjects and queues", "[names]") {
    CHECK(rpc_subject("echo-service", "echo") == "rpc.echo-service.echo");
    CHECK(rpc_queue("echo-service") == "rpc.echo-service");
    CHECK(event_subject("order", "created") == "events.order.created");
    CHECK(event_subject("service", "service.registered") == "events.service.service.registered");
    CHECK(command_subject("order-processor", "process_batch") ==
          "commands.order-processor.process_batch");
    CHECK(command_progress_subject("id-1") == "commands.progress.id-1");
    CHECK(command_callback_subject("id-1") == "commands.callback.id-1");
}

TEST_CASE("registry and election keys", "[names]") {
    CHECK(std::string(k_registry_bucket) == "service_registry");
    CHECK(registry_key("echo-service", "echo-service-3f2a9c1e") ==
          "service-instances__echo-service__echo-service-3f2a9c1e");
    CHECK(registry_service_prefix("echo-service") == "service-instances__echo-service__");
    CHECK(election_bucket("order-processor") == "election_order_processor");
    CHECK(election_bucket("Order-Processor") == "election_Order_Processor");  // case kept
    CHECK(leader_key("order-processor", "default") ==
          "sticky-active.order-processor.default.leader");
    CHECK(leader_key("Order-Processor", "g1") == "sticky-active.order-processor.g1.leader");
}

TEST_CASE("parse_registry_key splits as Python does", "[names]") {
    std::string service = "unchanged", instance = "unchanged";
    REQUIRE(
        parse_registry_key("service-instances__echo-service__echo-service-1", service, instance));
    CHECK(service == "echo-service");
    CHECK(instance == "echo-service-1");
    // Everything after the first '__' is the instance.
    REQUIRE(parse_registry_key("service-instances__svc__a__b", service, instance));
    CHECK(service == "svc");
    CHECK(instance == "a__b");
    for (const char* bad :
         {"echo-service", "service-instances__", "service-instances__svc",
          "service-instances__svc__", "service-instances____x", "service-instances.svc.x"}) {
        INFO(bad);
        CHECK_FALSE(parse_registry_key(bad, service, instance));
    }
}

TEST_CASE("default instance ids are <service>-<8 lowercase hex>", "[names]") {
    const std::string id = default_instance_id("echo-service");
    REQUIRE(id.size() == std::string("echo-service-").size() + 8);
    CHECK(id.starts_with("echo-service-"));
    CHECK(id.substr(13).find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(check_instance_id(id).empty());
    CHECK(default_instance_id("echo-service") != id);
}
