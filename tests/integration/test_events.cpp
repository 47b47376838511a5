// Events against a real nats-server: compete / broadcast / exclusive delivery, Python-format
// events, deduplication of retried publishes, bounded redelivery of failing handlers.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/jetstream.hpp"
#include "core/service/events.hpp"
#include "core/service/service.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/event_collector.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::quiet_options;

using namespace aegis;
using namespace std::chrono_literals;
using test::EventCollector;

namespace {

// Three instances of `service`, each subscribed to `pattern` in `mode`, recording into `c`.
std::vector<std::unique_ptr<Service>> three(const test::NatsServer& server,
                                            const std::string& service,
                                            const std::string& pattern, EventMode mode,
                                            EventCollector& c, SubscribeOptions so = {}) {
    std::vector<std::unique_ptr<Service>> out;
    for (const char* suffix : {"a", "b", "c"}) {
        std::string id = service + "-" + suffix;
        auto svc = std::make_unique<Service>(server.connect(id), quiet_options(service, id));
        svc->subscribe(pattern, mode, c.handler(id), so);
        svc->start();
        out.push_back(std::move(svc));
    }
    return out;
}

void publish_n(EventPublisher& pub, const std::string& domain, const std::string& type, int n) {
    for (int i = 0; i < n; ++i) pub.publish(domain, type, {{"n", i}});
}

}  // namespace

TEST_CASE("events naming follows the Python SDK (G19) plus exclusive") {
    using service::event_binding;
    // The JetStream subscriptions the real SDK made for echo-service (vector G19).
    const Json& subs = test::vector("js_event_subscriptions")["subs"];
    auto c = event_binding("echo-service", "echo-service-3f2a9c1e", subs[0]["subject"],
                           EventMode::compete, false);
    CHECK(c.jetstream);
    CHECK(c.durable == subs[0]["queue"]);  // nats-py uses the queue name as the durable
    CHECK(c.queue == subs[0]["queue"]);
    auto b = event_binding("echo-service", "echo-service-3f2a9c1e", subs[1]["subject"],
                           EventMode::broadcast, false);
    CHECK(b.durable == subs[1]["durable"]);
    CHECK(b.queue.empty());
    auto w = event_binding("echo-service", "x-1", "events.audit.>", EventMode::compete, false);
    CHECK_FALSE(w.jetstream);
    CHECK(w.queue == "echo-service");
    auto wb = event_binding("echo-service", "x-1", "events.order.*", EventMode::broadcast, false);
    CHECK_FALSE(wb.jetstream);
    CHECK(wb.queue.empty());
    auto ex = event_binding("echo-service", "x-1", "events.order.*", EventMode::exclusive, false);
    CHECK(ex.jetstream);
    CHECK(ex.durable == "echo-service-events-order-star-exclusive");
    CHECK(ex.queue == ex.durable);
    auto d = event_binding("echo-service", "x-1", "events.order.>", EventMode::compete, true);
    CHECK(d.durable == "echo-service-events-order-all");
}

TEST_CASE("events compete over a wildcard: 300 events, each to exactly one of three") {
    test::NatsServer server;
    EventCollector c;
    auto svcs = three(server, "evc-wild", "events.order.*", EventMode::compete, c);
    EventPublisher pub(server.connect("pub"));
    publish_n(pub, "order", "created", 150);
    publish_n(pub, "order", "shipped", 150);
    REQUIRE(c.wait_for_total(300, 10s));
    std::this_thread::sleep_for(300ms);  // anything extra would show up now
    CHECK(c.total() == 300);
    CHECK(c.distinct() == 300);
    CHECK(c.max_per_event() == 1);
    CHECK(c.instances().size() == 3);
}

TEST_CASE("events compete on one subject shares a JetStream durable: each to exactly one") {
    test::NatsServer server;
    EventCollector c;
    auto svcs = three(server, "evc-exact", "events.order.created", EventMode::compete, c);
    auto conn = server.connect("check");
    auto info = nats::consumer_info(*conn, "EVENTS", "evc-exact");
    REQUIRE(info);
    CHECK(info->config.deliver_group == "evc-exact");
    CHECK(info->config.filter_subject == "events.order.created");
    EventPublisher pub(conn);
    publish_n(pub, "order", "created", 300);
    REQUIRE(c.wait_for_total(300, 10s));
    std::this_thread::sleep_for(300ms);
    CHECK(c.total() == 300);
    CHECK(c.distinct() == 300);
    CHECK(c.instances().size() == 3);
}

TEST_CASE("events broadcast gives every event to all three instances") {
    test::NatsServer server;
    std::string pattern = GENERATE(std::string("events.alert.*"), std::string("events.alert.raised"));
    EventCollector c;
    auto svcs = three(server, "evb", pattern, EventMode::broadcast, c);
    EventPublisher pub(server.connect("pub"));
    publish_n(pub, "alert", "raised", 100);
    REQUIRE(c.wait_for_total(300, 10s));
    std::this_thread::sleep_for(300ms);
    INFO("pattern " << pattern);
    CHECK(c.total() == 300);
    CHECK(c.distinct() == 100);
    CHECK(c.min_per_event() == 3);
    CHECK(c.max_per_event() == 3);
    for (auto& [id, n] : c.per_instance()) CHECK(n == 100);
    // Per-instance consumers are removed on a clean stop.
    for (auto& s : svcs) s->stop();
    auto conn = server.connect("check");
    if (pattern.find('*') == std::string::npos)
        CHECK_FALSE(nats::consumer_info(*conn, "EVENTS", "evb-events-alert-raised-evb-a"));
}

TEST_CASE("events exclusive (own leadership toggle): the leader only, then the next leader") {
    test::NatsServer server;
    EventCollector c;
    std::map<std::string, std::shared_ptr<std::atomic<bool>>> leads;
    std::vector<std::unique_ptr<Service>> svcs;
    for (const char* s : {"a", "b", "c"}) {
        std::string id = std::string("evx-") + s;
        auto flag = std::make_shared<std::atomic<bool>>(id == "evx-a");
        leads[id] = flag;
        auto svc = std::make_unique<Service>(server.connect(id), quiet_options("evx", id));
        SubscribeOptions so;
        so.is_leader = [flag] { return flag->load(); };
        so.leader_poll = 50ms;
        so.ack_wait = 2s;
        svc->subscribe("events.job.*", EventMode::exclusive, c.handler(id), so);
        svc->start();
        svcs.push_back(std::move(svc));
    }
    EventPublisher pub(server.connect("pub"));
    publish_n(pub, "job", "queued", 100);
    REQUIRE(c.wait_for_total(100, 10s));
    std::this_thread::sleep_for(300ms);
    CHECK(c.per_instance() == std::map<std::string, int>{{"evx-a", 100}});

    // The leader goes away; events published meanwhile wait in the consumer.
    svcs[0].reset();
    publish_n(pub, "job", "queued", 50);
    std::this_thread::sleep_for(300ms);
    CHECK(c.total() == 100);
    leads["evx-b"]->store(true);
    svcs[1]->refresh_leadership();
    publish_n(pub, "job", "queued", 50);
    REQUIRE(c.wait_for_total(200, 10s));
    std::this_thread::sleep_for(300ms);
    CHECK(c.per_instance() == std::map<std::string, int>{{"evx-a", 100}, {"evx-b", 100}});
    CHECK(c.distinct() == 200);
}

TEST_CASE("events published in the Python format decode (G8 msgpack and JSON)") {
    test::NatsServer server;
    EventCollector c;
    Service svc(server.connect("s"), quiet_options("evpy", "evpy-1"));
    svc.subscribe("events.order.*", EventMode::broadcast, c.handler("evpy-1"));
    svc.subscribe("events.order.created", EventMode::compete, c.handler("evpy-1-js"));
    svc.start();
    auto conn = server.connect("python");
    nats::ensure_stream(*conn, events_stream_config());
    const Json& v = test::vector("event_order_created");
    std::string bytes = test::unhex(v["hex"].get<std::string>());
    std::string text = test::vector("event_order_created_json")["text"].get<std::string>();
    // As Python publishes: JetStream, no Nats-Msg-Id.
    nats::js_publish(*conn, "events.order.created", bytes, "");
    REQUIRE(c.wait_for_total(2, 5s));
    auto ev = c.last("evpy-1");
    CHECK(ev.header.message_id == "845ffbed-2e5a-49d1-9877-19511c239d83");
    CHECK(ev.header.source == std::optional<std::string>("echo-service-3f2a9c1e"));
    CHECK(ev.domain == "order");
    CHECK(ev.event_type == "created");
    CHECK(ev.payload == v["decoded"]["payload"]);
    CHECK(ev.version == "1.0");
    // The JSON form with a different id (the same id would be a duplicate).
    auto j = Json::parse(text);
    j["message_id"] = "json-form-1";
    nats::js_publish(*conn, "events.order.created", wire::to_json(j), "");
    REQUIRE(c.wait_for_total(4, 5s));
    CHECK(c.last("evpy-1-js").header.message_id == "json-form-1");
    CHECK(c.last("evpy-1-js").payload["amount"] == 99.5);
}

TEST_CASE("events: a publish retried after a lost ack is stored and processed once") {
    test::NatsServer server;
    EventCollector c;
    Service wild(server.connect("w"), quiet_options("evdup", "evdup-w"));
    wild.subscribe("events.pay.*", EventMode::broadcast, c.handler("core"));
    wild.start();
    Service exact(server.connect("e"), quiet_options("evdup2", "evdup2-e"));
    exact.subscribe("events.pay.settled", EventMode::compete, c.handler("jetstream"));
    exact.start();
    auto conn = server.connect("pub");
    EventPublisher pub(conn, "publisher-1");
    auto ev = pub.make_event("pay", "settled", {{"amount", 5}});
    // First attempt: the ack goes to an inbox nobody reads (lost).
    nats::ensure_stream(*conn, events_stream_config());
    conn->publish("events.pay.settled", wire::encode_envelope(ev, wire::Format::msgpack),
                  nats::Headers{{"Nats-Msg-Id", ev.header.message_id}}, "_INBOX.lost");
    // The retry, same message id: the server says duplicate.
    auto ack = pub.publish(ev, 2s);
    CHECK(ack.duplicate);
    auto info = nats::stream_info(*conn, "EVENTS");
    REQUIRE(info);
    CHECK(info->messages == 1);
    REQUIRE(c.wait_for_total(2, 5s));
    std::this_thread::sleep_for(500ms);
    CHECK(c.per_instance() == std::map<std::string, int>{{"core", 1}, {"jetstream", 1}});
    auto stats = wild.event_stats();
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].duplicates == 1);
}

TEST_CASE("events: empty replies from Python subscribers do not break publishing") {
    test::NatsServer server;
    auto conn = server.connect("python-sub");
    // A Python wildcard subscriber "acks" every event with an empty message (docs/protocol.md §4.5).
    auto sub = conn->subscribe("events.>", [&conn](nats::Msg& m) {
        if (!m.reply().empty()) conn->publish(m.reply(), "");
    });
    conn->flush();
    EventPublisher pub(server.connect("pub"));
    for (int i = 0; i < 20; ++i) {
        auto ack = pub.publish("order", "created", {{"n", i}});
        CHECK(ack.stream == "EVENTS");
        CHECK_FALSE(ack.duplicate);
    }
    CHECK(pub.retries() == 0);
    CHECK(nats::stream_info(*server.connect("c"), "EVENTS")->messages == 20);
}
