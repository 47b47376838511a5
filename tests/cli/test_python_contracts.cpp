// A client shaped like the Python examples (event_publisher.py, event_subscriber.py,
// order_client.py): their topics, payload fields, parameters and methods, against the aegis
// demos run as processes. Either side must receive the other's events and read the other's
// answers; a parameter with a typo is refused, never ignored.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>

#include "core/client/client.hpp"
#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using aegis::test::Background;
using aegis::test::eventually;
using aegis::test::run_aegis;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// The subjects and payload fields of the Python event examples.
const std::map<std::string, std::vector<std::string>> k_python_events = {
    {"events.orders.created",
     {"order_id", "customer_id", "total_amount", "timestamp", "created_by"}},
    {"events.payments.processed",
     {"payment_id", "order_id", "amount", "status", "timestamp", "processed_by"}},
    {"events.inventory.updated",
     {"product_id", "quantity_change", "new_quantity", "reason", "timestamp", "updated_by"}},
    {"events.system.alerts", {"alert_level", "message", "source", "metadata", "timestamp"}},
};

// A payload as event_publisher.py builds it (only the Python fields).
Json python_payload(const std::string& subject) {
    Json p = Json::object();
    for (const auto& field : k_python_events.at(subject)) p[field] = "x";
    if (subject == "events.orders.created") p["total_amount"] = 99.5;
    if (subject == "events.payments.processed") p["status"] = "SUCCESS";
    if (subject == "events.system.alerts") {
        p["alert_level"] = "WARNING";
        p["metadata"] = Json::object();
    }
    return p;
}

class Received {
public:
    void add(const wire::Event& e) {
        std::lock_guard lock(m_mutex);
        m_events["events." + e.domain + "." + e.event_type] = e.payload;
    }
    size_t size() const {
        std::lock_guard lock(m_mutex);
        return m_events.size();
    }
    Json payload(const std::string& subject) const {
        std::lock_guard lock(m_mutex);
        auto it = m_events.find(subject);
        return it == m_events.end() ? Json() : it->second;
    }

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Json> m_events;
};

}  // namespace

TEST_CASE("python contracts: events-sub receives what event_publisher.py publishes") {
    test::NatsServer server;
    Background sub({"demo", "events-sub", "--instance", "1", "--stats-interval", "60",
                    "--server", server.url()});
    REQUIRE(sub.wait_for_output("started"));
    for (const auto& [subject, fields] : k_python_events)
        CHECK(test::contains(sub.output(), "subscribed to " + subject + " in compete mode"));
    EventPublisher python(server.connect("python-publisher"), "python-publisher-1");
    python.publish("orders", "created", python_payload("events.orders.created"));
    python.publish("payments", "processed", python_payload("events.payments.processed"));
    python.publish("inventory", "updated", python_payload("events.inventory.updated"));
    python.publish("system", "alerts", python_payload("events.system.alerts"));
    for (const char* what : {"orders.created", "payments.processed", "inventory.updated",
                             "system.alerts"})
        CHECK(sub.wait_for_output(std::string("got ") + what + " #1 from python-publisher-1"));
}

TEST_CASE("python contracts: event_subscriber.py receives events-pub's events, Python fields") {
    test::NatsServer server;
    Received got;
    // As event_subscriber.py subscribes: the exact subjects, compete mode.
    Service python(server.connect("python-subscriber"),
                   test::quiet_options("python-subscriber", "python-subscriber-1"));
    for (const auto& [subject, fields] : k_python_events)
        python.subscribe(subject, EventMode::compete, [&got](const wire::Event& e) { got.add(e); });
    python.start();
    auto pub = run_aegis({"demo", "events-pub", "--mode", "single", "--server", server.url()});
    REQUIRE(pub.exit_code == 0);
    REQUIRE(eventually([&] { return got.size() == 4; }));
    for (const auto& [subject, fields] : k_python_events) {
        Json p = got.payload(subject);
        INFO(subject << ": " << p.dump());
        for (const auto& field : fields) CHECK(p.contains(field));
    }
    CHECK(std::set<std::string>{"SUCCESS", "PENDING", "FAILED"}.count(
              got.payload("events.payments.processed")["status"].get<std::string>()) == 1);
    CHECK(std::set<std::string>{"INFO", "WARNING", "ERROR", "CRITICAL"}.count(
              got.payload("events.system.alerts")["alert_level"].get<std::string>()) == 1);
    CHECK(got.payload("events.orders.created")["total_amount"].is_number());
    CHECK(got.payload("events.orders.created")["created_by"].get<std::string>().rfind(
              "event-publisher-", 0) == 0);
    python.stop();
}

TEST_CASE("python contracts: order_client.py's calls against the order demo") {
    test::NatsServer server;
    Background order({"demo", "order", "--instance-id", "order-processor-py1", "--policy",
                      "aggressive", "--server", server.url()});
    auto conn = server.connect("order-client");
    REQUIRE(eventually([&] { return test::lease_holder(conn, "order-processor").has_value(); },
                       20s));
    Client client(conn);
    // The lease is won before the leader subscribes its exclusive methods: ready once one answers
    // (a call in between meets no responders, as a Python client started that early would).
    REQUIRE(eventually(
        [&] {
            try {
                client.call("order-processor", "get_statistics", Json::object());
                return true;
            } catch (const NoRespondersError&) {
                return false;
            }
        },
        20s));
    Json items = Json::array({{{"product_id", "PROD-1"}, {"quantity", 2}}});
    Json created = client.call("order-processor", "create_order",
                               {{"customer_id", "CUST-42"}, {"total_amount", 99.5},
                                {"items", items}});
    CHECK(created["success"] == true);
    std::string id = created["order_id"].get<std::string>();
    CHECK(created["order"]["customer_id"] == "CUST-42");  // never "guest"
    CHECK(created["order"]["total_amount"] == 99.5);      // never 0.0
    CHECK(created["order"]["items"] == items);

    Json status = client.call("order-processor", "get_order_status", {{"order_id", id}});
    CHECK(status["order_id"] == id);
    CHECK(status["status"] == "created");
    CHECK(status["processed_by"] == "order-processor-py1");
    CHECK(status["created_at"].is_string());

    Json stats = client.call("order-processor", "get_statistics", Json::object());
    CHECK(stats["instance_id"] == "order-processor-py1");
    CHECK(stats["total_orders"] == 1);
    CHECK(stats["orders_by_status"] == Json{{"created", 1}});
    CHECK(stats["is_leader"] == true);

    Json cancelled = client.call("order-processor", "cancel_order", {{"order_id", id}});
    CHECK(cancelled["success"] == true);
    Json again = client.call("order-processor", "cancel_order", {{"order_id", id}});
    CHECK(again["success"] == false);
    CHECK(again["message"] == "order '" + id + "' is already cancelled");
    Json unknown = client.call("order-processor", "cancel_order", {{"order_id", "NOPE-1"}});
    CHECK(unknown["success"] == false);
    CHECK(unknown["message"] == "order 'NOPE-1' not found");

    // A typo is refused with the accepted names, and no order is created.
    auto typo = run_aegis({"call", "order-processor", "create_order", "custmer_id=CUST-1",
                           "total_amount=5", "--server", server.url()});
    CHECK(typo.exit_code == 65);
    CHECK(typo.err.find("aegis: error: 'order-processor.create_order' failed: unknown parameter "
                        "'custmer_id' (did you mean 'customer_id'?); accepted: order_id, "
                        "customer_id, total_amount, items, customer, amount\n") !=
          std::string::npos);
    CHECK(client.call("order-processor", "get_statistics", Json::object())["total_orders"] == 1);
}
