// The order and inventory demos as separate processes, with the leader SIGKILLed mid-way:
// orders are created exactly once, stock counts stay consistent.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "core/client/leaders.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;
using aegis::test::lease_holder;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// Two processes of one demo; ids <service>-p0 / -p1.
struct Pair {
    std::string service;
    std::map<std::string, std::unique_ptr<test::Background>> procs;
    Pair(const test::NatsServer& server, const std::string& demo, std::string svc,
         std::vector<std::string> extra = {})
        : service(std::move(svc)) {
        for (int i = 0; i < 2; ++i) {
            std::string id = service + "-p" + std::to_string(i);
            std::vector<std::string> args = {
                "demo",          demo, "--server", server.url(), "--service", service,
                "--instance-id", id,   "--policy", "aggressive"};
            args.insert(args.end(), extra.begin(), extra.end());
            procs[id] = std::make_unique<test::Background>(args);
        }
    }
    // SIGKILL the current leader; returns its id.
    std::string crash_leader(const std::shared_ptr<nats::Connection>& conn) {
        auto id = lease_holder(conn, service);
        REQUIRE(id);
        REQUIRE(procs.count(*id));
        procs[*id]->stop(9);
        return *id;
    }
    // What every process logged, for the failure message.
    std::string outputs() const {
        std::string all;
        for (const auto& [id, p] : procs)
            all += "--- " + id + (p->running() ? " (running)" : " (exited)") + ":\n" + p->output();
        return all;
    }
};

// A client that keeps retrying through a crash failover: idempotent calls, so timeouts too.
StickyClient patient_client(const test::NatsServer& server) {
    RetryPolicy p;
    p.attempts = 15;
    p.initial_delay = 50ms;
    p.max_delay = 500ms;
    p.retry_timeouts = true;
    return StickyClient(server.connect("client"), p);
}

CallOptions short_timeout() {
    CallOptions o;
    o.timeout = 1000ms;
    return o;
}

}  // namespace

TEST_CASE("order: each order is created exactly once across a failover") {
    test::NatsServer server;
    auto conn = server.connect("observer");
    Pair pair(server, "order", "order-sa-test");
    REQUIRE(eventually([&] { return lease_holder(conn, pair.service).has_value(); }));
    auto client = patient_client(server);
    std::string crashed;
    for (int i = 0; i < 40; ++i) {
        if (i == 15) crashed = pair.crash_leader(conn);
        std::string id = "T-" + std::to_string(i);
        Json r =
            client.call(pair.service, "create_order",
                        {{"order_id", id}, {"customer", "c" + std::to_string(i)}, {"amount", i}},
                        short_timeout());
        CHECK(r["order"]["order_id"] == id);
    }
    // The same order again (a duplicated request): never a second order.
    for (int i = 0; i < 5; ++i) {
        Json r = client.call(pair.service, "create_order", {{"order_id", "T-" + std::to_string(i)}},
                             short_timeout());
        CHECK(r["created"] == false);
        CHECK(r["duplicate"] == true);
    }
    // No order id: the request's message id decides, so a client retry is the same order.
    CallOptions same = short_timeout();
    same.message_id = "6f1c2a90-0d1e-4c55-9a77-6b0f8d3e2a11";
    Json first = client.call(pair.service, "create_order", {{"customer", "zed"}}, same);
    Json again = client.call(pair.service, "create_order", {{"customer", "zed"}}, same);
    CHECK(first["order"]["order_id"] == again["order"]["order_id"]);
    CHECK(again["created"] == false);

    Json stats = client.call(pair.service, "get_statistics", Json::object(), short_timeout());
    CHECK(stats["total_orders"] == 41);
    CHECK(stats["served_by"] != crashed);
    Json list = client.call(pair.service, "list_orders", {{"limit", 1000}}, short_timeout());
    std::set<std::string> ids;
    for (auto& o : list["orders"]) ids.insert(o["order_id"].get<std::string>());
    CHECK(ids.size() == 41);
    CHECK(list["count"] == 41);
    Json late = client.call(pair.service, "get_order", {{"order_id", "T-39"}}, short_timeout());
    CHECK(late["created_by"] != crashed);  // the new leader continued with the same orders
    Json cancel = client.call(pair.service, "cancel_order", {{"order_id", "T-3"}}, short_timeout());
    CHECK(cancel["cancelled"] == true);
    Json twice = client.call(pair.service, "cancel_order", {{"order_id", "T-3"}}, short_timeout());
    CHECK(twice["already_cancelled"] == true);
}

TEST_CASE("inventory: counts stay consistent under concurrent reserves across a failover") {
    test::NatsServer server;
    auto conn = server.connect("observer");
    Pair pair(server, "inventory", "inv-sa-test", {"--stock", "SKU-T=60"});
    REQUIRE(eventually([&] { return lease_holder(conn, pair.service).has_value(); }));
    std::mutex mutex;
    std::set<std::string> reserved;
    std::atomic<int> done{0}, refused{0}, errors{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&] {
            auto client = patient_client(server);
            for (int i = 0; i < 25; ++i) {
                try {
                    Json r = client.call(pair.service, "reserve",
                                         {{"sku", "SKU-T"}, {"quantity", 1}}, short_timeout());
                    if (r["reserved"] == true) {
                        std::lock_guard lk(mutex);
                        reserved.insert(r["reservation_id"].get<std::string>());
                    } else {
                        ++refused;
                    }
                } catch (const std::exception&) {
                    ++errors;
                }
                ++done;
            }
        });
    }
    REQUIRE(eventually([&] { return done.load() >= 30; }, 30s));
    pair.crash_leader(conn);
    for (auto& t : workers) t.join();
    auto client = patient_client(server);
    Json stock;
    try {
        stock = client.call(pair.service, "get_stock", {{"sku", "SKU-T"}}, short_timeout());
    } catch (const std::exception& e) {
        FAIL(e.what() << " (" << errors.load() << " reserve errors)\n" << pair.outputs());
    }
    CHECK(errors.load() == 0);
    CHECK(stock["total"] == 60);
    CHECK(stock["available"].get<int>() >= 0);
    CHECK(stock["available"].get<int>() + stock["reserved"].get<int>() == 60);
    CHECK(stock["reserved"].get<size_t>() == reserved.size());  // no reservation twice, none lost
    CHECK(reserved.size() == 60);  // 100 asked for 60: all stock went out, not one more
    CHECK(refused.load() == 40);
    // Releasing returns the stock once.
    std::string one = *reserved.begin();
    Json rel = client.call(pair.service, "release", {{"sku", "SKU-T"}, {"reservation_id", one}},
                           short_timeout());
    CHECK(rel["released"] == true);
    Json again = client.call(pair.service, "release", {{"sku", "SKU-T"}, {"reservation_id", one}},
                             short_timeout());
    CHECK(again["released"] == false);
    stock = client.call(pair.service, "get_stock", {{"sku", "SKU-T"}}, short_timeout());
    CHECK(stock["available"] == 1);
    CHECK(stock["reserved"] == 59);
}
