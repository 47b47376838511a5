// Which method `aegis failover` drives (core/scenario/failover_method.hpp): a service's only
// exclusive method when none is named, checked against $SRV.INFO when one is.
#include <catch2/catch.hpp>

#include "core/scenario/failover_method.hpp"
#include "core/service/single_active.hpp"
#include "core/util/error.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<SingleActiveService> leader_with(const test::NatsServer& server,
                                                 const std::string& service,
                                                 const std::vector<std::string>& exclusive) {
    ServiceOptions o;
    o.name = service;
    o.instance_id = service + "-1";
    SingleActiveOptions sa;
    sa.policy = test::fast_policy();
    auto svc = std::make_unique<SingleActiveService>(server.connect(o.instance_id), o, sa);
    for (const auto& m : exclusive) svc->exclusive_rpc(m, [](const Json& p) { return p; });
    svc->rpc("status", [](const Json&) { return Json{{"ok", true}}; });
    svc->start();
    return svc;
}

std::string error_of(nats::Connection& c, const std::string& service, const std::string& method) {
    try {
        scenario::choose_failover_method(c, service, method, "choose one with --method");
    } catch (const DataError& e) {
        return std::string(e.what()) + " (" + e.hint() + ")";
    }
    return "";
}

}  // namespace

TEST_CASE("failover method: none named is the service's only exclusive method") {
    test::NatsServer server;
    auto conn = server.connect("chooser");
    CHECK_FALSE(scenario::choose_failover_method(*conn, "fm-none", "", "").has_value());
    auto svc = leader_with(server, "fm-one", {"process"});
    std::optional<std::string> m;
    REQUIRE(test::eventually([&] {
        m = scenario::choose_failover_method(*conn, "fm-one", "", "");
        return m.has_value();
    }));
    CHECK(*m == "process");
    CHECK(*scenario::choose_failover_method(*conn, "fm-one", "status", "") == "status");
    CHECK(error_of(*conn, "fm-one", "echo") ==
          "'fm-one' has no method 'echo' (methods: process, status) (choose one with --method)");
    CHECK(scenario::unchecked_failover_method("") == "echo");
}

TEST_CASE("failover method: of several exclusive methods echo, else the caller must choose") {
    test::NatsServer server;
    auto conn = server.connect("chooser");
    auto echo = leader_with(server, "fm-echo", {"echo", "simulate_failure"});
    auto two = leader_with(server, "fm-two", {"reserve", "release"});
    REQUIRE(test::eventually([&] {
        return scenario::choose_failover_method(*conn, "fm-echo", "", "").has_value();
    }));
    CHECK(*scenario::choose_failover_method(*conn, "fm-echo", "", "") == "echo");
    REQUIRE(test::eventually([&] { return !error_of(*conn, "fm-two", "").empty(); }));
    CHECK(error_of(*conn, "fm-two", "") ==
          "'fm-two' has several exclusive methods (release, reserve) (choose the one to drive "
          "with --method, and its params with -d)");
}
