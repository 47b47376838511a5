// $SRV.PING / INFO / STATS: answered at all three levels, with the shapes nats CLI validates
// (services-api.md, JSON schemas of jsm.go) and the field set nats.js produces (vectors).
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/client/client.hpp"
#include "core/client/srv_client.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using client::SrvVerb;

namespace {

Json golden(const std::string& name) {
    std::ifstream in(test::shared_dir() + "/vectors/services-api/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return wire::from_json(ss.str());
}

void check_common(const Json& j, const std::string& type) {
    static const std::regex semver(
        R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$)");
    CHECK(j.at("type") == type);
    CHECK(std::regex_match(j.at("name").get<std::string>(), std::regex("^[A-Za-z0-9\\-_]+$")));
    CHECK(j.at("id").is_string());
    CHECK(std::regex_match(j.at("version").get<std::string>(), semver));
    REQUIRE(j.contains("metadata"));
    REQUIRE(j["metadata"].is_object());
    for (auto& [k, v] : j["metadata"].items()) CHECK(v.is_string());
}

// Every key we send must be one nats.js sends for the same reply (no surprises for tooling).
void check_keys_known(const Json& ours, const Json& theirs) {
    std::set<std::string> known;
    for (auto& [k, v] : theirs.items()) known.insert(k);
    for (auto& [k, v] : ours.items()) {
        INFO("key " << k);
        CHECK(known.count(k) == 1);
    }
}

struct Fixture {
    test::NatsServer server;
    std::unique_ptr<Service> svc;
    std::shared_ptr<nats::Connection> conn = server.connect("srv-client");
    Fixture() {
        ServiceOptions o;
        o.name = "srv-echo";
        o.instance_id = "srv-echo-1";
        o.description = "srv test";
        svc = std::make_unique<Service>(server.connect("svc"), o);
        svc->rpc("echo", [](const Json& p) {
            if (p.value("fail", false)) throw std::runtime_error("boom");
            return p;
        });
        svc->start();
    }
};

}  // namespace

TEST_CASE("$SRV.PING is answered at all three levels with the ping schema") {
    Fixture f;
    for (auto [svc, id] : std::vector<std::pair<std::string, std::string>>{
             {"", ""}, {"srv-echo", ""}, {"srv-echo", "srv-echo-1"}}) {
        auto replies = client::srv_request(*f.conn, SrvVerb::ping, svc, id);
        INFO("level '" << svc << "' '" << id << "'");
        REQUIRE(replies.size() == 1);
        const Json& j = replies[0].body;
        check_common(j, "io.nats.micro.v1.ping_response");
        CHECK(j["name"] == "srv-echo");
        CHECK(j["id"] == "srv-echo-1");
        CHECK(j["metadata"]["aegis_sdk"] == "cpp");
        check_keys_known(j, golden("srv_ping_echo.json"));
    }
    CHECK(client::srv_request(*f.conn, SrvVerb::ping, "other-service").empty());
    CHECK(client::srv_request(*f.conn, SrvVerb::ping, "srv-echo", "other-id").empty());
}

TEST_CASE("$SRV.INFO lists the RPC endpoints with the AegisSDK queue group") {
    Fixture f;
    auto replies = client::srv_request(*f.conn, SrvVerb::info, "srv-echo");
    REQUIRE(replies.size() == 1);
    const Json& j = replies[0].body;
    check_common(j, "io.nats.micro.v1.info_response");
    CHECK(j.at("description") == "srv test");
    REQUIRE(j.at("endpoints").size() == 1);
    const Json& ep = j["endpoints"][0];
    CHECK(ep.at("name") == "echo");
    CHECK(ep.at("subject") == "rpc.srv-echo.echo");
    CHECK(ep.at("queue_group") == "rpc.srv-echo");
    CHECK((ep.at("metadata").is_null() || ep["metadata"].is_object()));
    check_keys_known(j, golden("srv_info_echo.json"));
}

TEST_CASE("$SRV.STATS counts requests and errors as Go micro does") {
    Fixture f;
    Client client(f.server.connect("caller"));
    for (int i = 0; i < 3; ++i) client.call_raw("srv-echo", "echo", {{"i", i}});
    client.call_raw("srv-echo", "echo", {{"fail", true}});
    auto replies = client::srv_request(*f.conn, SrvVerb::stats, "srv-echo", "srv-echo-1");
    REQUIRE(replies.size() == 1);
    const Json& j = replies[0].body;
    check_common(j, "io.nats.micro.v1.stats_response");
    CHECK(std::regex_match(j.at("started").get<std::string>(),
                           std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$)")));
    REQUIRE(j.at("endpoints").size() == 1);
    const Json& ep = j["endpoints"][0];
    CHECK(ep.at("num_requests") == 4);
    CHECK(ep.at("num_errors") == 1);
    CHECK(ep.at("last_error") == "boom");
    CHECK(ep.at("processing_time").is_number_integer());
    CHECK(ep.at("average_processing_time") == ep["processing_time"].get<int64_t>() / 4);
    CHECK(ep.at("data").at("p99_ms").is_number());
    check_keys_known(j, golden("srv_stats_echo.json"));
}

TEST_CASE("a failed reply carries the ADR-32 error headers") {
    Fixture f;
    auto reply = f.conn->request("rpc.srv-echo.echo",
                                 wire::encode(Json{{"method", "echo"}, {"params", {{"fail", true}}}},
                                              wire::Format::json),
                                 std::chrono::seconds(2));
    CHECK(reply.header("Nats-Service-Error") == std::optional<std::string>("boom"));
    CHECK(reply.header("Nats-Service-Error-Code") == std::optional<std::string>("500"));
}
