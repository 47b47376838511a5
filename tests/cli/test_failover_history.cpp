// The history checker's verdict where users meet it: `aegis failover --spawn` prints the
// "history:" line and puts the verdict in --json (orders and acknowledged calls checked), and
// the failover step of `aegis test` shows it in its progress line (stderr) and records its
// counts.
#include <catch2/catch.hpp>

#include <regex>

#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::contains;
using aegis::test::run_aegis;
using namespace std::chrono_literals;

TEST_CASE("failover: the history verdict is printed and in --json") {
    aegis::test::NatsServer server;
    const std::vector<std::string> base{
        "failover", "fo-hist-orders", "--spawn", "2", "--demo", "order", "--method",
        "create_order", "--data", R"({"customer_id":"hist"})", "--trials", "1", "--duration", "2",
        "--kill-after", "0.7", "--server", server.url()};
    auto text = run_aegis(base, {}, {}, 60s);
    INFO(text.out << text.err);
    REQUIRE(text.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(
        text.out, m,
        std::regex(R"(history: (\d+) executions by 2 instances, 0 overlaps, 0 stale-lease )"
                   R"(executions, 0 lost acks, 0 duplicate orders: ok\n)")));
    CHECK(std::stoi(m[1]) > 20);

    auto args = base;
    args[1] = "fo-hist-orders-json";
    args.push_back("--json");
    auto r = run_aegis(args, {}, {}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto h = aegis::wire::from_json(r.out).at("history");
    CHECK(h["ok"] == true);
    CHECK(h["instances"] == 2);
    CHECK(h["orders"].get<int>() > 20);  // the order demo recorded what it created
    CHECK(h["acks"].get<int>() > 20);    // failover recorded what was acknowledged
    CHECK(h["acks_checked"] == true);
    CHECK(h["lease_events"].get<int>() >= 2);
    for (const char* k : {"overlaps", "stale", "lost_acks", "duplicate_orders"}) {
        CHECK(h[k]["count"] == 0);
        CHECK(h[k]["first"].is_null());
    }
}

TEST_CASE("test: the failover step reports the history verdict") {
    aegis::test::NatsServer server;
    auto r = run_aegis({"test", "failover", "--server", server.url()}, {}, {}, 120s);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.err, "0 overlaps, 0 stale-lease executions, 0 lost acks, 0 duplicate "
                          "orders: ok"));
    auto j = run_aegis({"test", "failover", "--json", "--server", server.url()}, {}, {}, 120s);
    REQUIRE(j.exit_code == 0);
    auto step = aegis::wire::from_json(j.out).at("scenarios").at(0).at("steps").at(0);
    CHECK(step["figures"]["history_ok"] == 1.0);
    CHECK(step["figures"]["history_executions"].get<double>() > 20);
    CHECK(step["figures"]["history_stale"] == 0.0);
}
