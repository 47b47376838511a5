// The registry view cannot be spoofed (issue 19, item 6). Anyone can write any registry key; a
// value copied under another key used to show up in `explore` as a second healthy copy of the live
// instance it names (with that instance's RTT), while `explore SERVICE`, which lists by key,
// disagreed. The key decides: such an entry is listed under its key as "mismatched key", never
// joined with the instance it names, and `validate` counts it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/nats/connection.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::run_aegis;

namespace {

const std::string k_service = "spoof-echo";
const std::string k_live = "spoof-echo-live0001";

const Json* find_service(const Json& doc, const std::string& name) {
    for (const auto& s : doc.at("services"))
        if (s.at("name") == name) return &s;
    return nullptr;
}

// instance id -> state, in listing order.
std::vector<std::pair<std::string, std::string>> states(const Json& service) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& i : service.at("instances"))
        out.emplace_back(i.at("instance_id").get<std::string>(), i.at("state").get<std::string>());
    return out;
}

Json explore_json(const test::NatsServer& server, std::vector<std::string> extra) {
    std::vector<std::string> args{"explore", "--json", "--wait", "300", "--server", server.url()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_aegis(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return Json::parse(r.out);
}

}  // namespace

TEST_CASE("explore: a value under another key is shown as such, never a second healthy copy") {
    test::NatsServer server;
    auto live = test::live_service(server, k_service, k_live);
    auto conn = server.connect("forger");
    auto now = std::chrono::system_clock::now();
    // The live instance's value, copied under a key of another service and under another
    // instance's key of the same service.
    test::put_python_instance(conn, k_service, k_live, now, true, {}, std::nullopt,
                              "service-instances__spoof-other__x1");
    test::put_python_instance(conn, k_service, k_live, now, true, {}, std::nullopt,
                              "service-instances__spoof-echo__spoof-echo-copy0001");

    Json all = explore_json(server, {});
    const Json* echo = find_service(all, k_service);
    REQUIRE(echo);
    INFO(echo->dump(2));
    auto listed = states(*echo);
    CHECK(std::count(listed.begin(), listed.end(), std::pair<std::string, std::string>{
                                                        k_live, "healthy"}) == 1);
    CHECK(echo->at("counts").at("healthy") == 1);
    CHECK(std::find(listed.begin(), listed.end(),
                    std::pair<std::string, std::string>{"spoof-echo-copy0001", "mismatched_key"}) !=
          listed.end());
    const Json* other = find_service(all, "spoof-other");
    REQUIRE(other);
    CHECK(states(*other) ==
          std::vector<std::pair<std::string, std::string>>{{"x1", "mismatched_key"}});
    CHECK(other->at("instances")[0].at("rtt_ms").is_null());  // not the live one's RTT
    CHECK(other->at("instances")[0].at("value_names").at("instance_id") == k_live);
    size_t flagged = 0;
    for (const auto& f : all.at("flags")) flagged += f.at("kind") == "mismatched_key";
    CHECK(flagged == 2);

    // `explore SERVICE` lists the same instances, in the same states.
    Json one = explore_json(server, {k_service});
    REQUIRE(one.at("services").size() == 1);
    CHECK(states(one.at("services")[0]) == listed);

    // The table says so, once per copy.
    auto table = run_aegis({"explore", "--wait", "300", "--server", server.url()});
    INFO(table.out);
    CHECK(table.out.find("mismatched key") != std::string::npos);
    CHECK(table.out.find("holds the value of") != std::string::npos);
}

TEST_CASE("validate: counts registry values that disagree with their key") {
    test::NatsServer server;
    auto conn = server.connect("forger");
    auto now = std::chrono::system_clock::now();
    test::put_python_instance(conn, k_service, k_live, now);
    test::put_python_instance(conn, k_service, k_live, now, false, {}, std::nullopt,
                              "service-instances__spoof-other__x1");
    auto r = run_aegis({"validate", "--json", "--server", server.url()});
    INFO(r.out << r.err);
    const Json report = Json::parse(r.out);
    std::string status, message;
    for (const auto& c : report.at("checks"))
        if (c.at("name") == "registry keys") {
            status = c.at("status").get<std::string>();
            message = c.at("message").get<std::string>();
        }
    CHECK(status == "warn");
    CHECK(message.find("1 entry") != std::string::npos);
    CHECK(message.find("service-instances__spoof-other__x1") != std::string::npos);
    // The live instance is still counted once.
    for (const auto& c : report.at("checks"))
        if (c.at("name") == "registered")
            CHECK(c.at("message").get<std::string>().find("1 live instance") != std::string::npos);
}
