// Events, commands and metrics pieces that need no server: JetStream ack subjects, consumer
// naming, the retry schedule, the metrics formulas of docs/protocol.md §9.
#include <catch2/catch.hpp>

#include "core/nats/consumer.hpp"
#include "core/service/events.hpp"
#include "core/service/metrics.hpp"
#include "core/service/retry.hpp"
#include "core/util/error.hpp"

using namespace aegis;
using namespace std::chrono_literals;

TEST_CASE("events: JetStream ack subjects parse in both layouts") {
    auto v1 = nats::parse_ack_subject("$JS.ACK.EVENTS.svc.3.42.7.1754561730123456789.5");
    REQUIRE(v1);
    CHECK(v1->stream == "EVENTS");
    CHECK(v1->consumer == "svc");
    CHECK(v1->delivered == 3);
    CHECK(v1->stream_seq == 42);
    CHECK(v1->consumer_seq == 7);
    CHECK(v1->pending == 5);
    auto v2 = nats::parse_ack_subject("$JS.ACK.hub.ACCHASH.EVENTS.svc.1.9.9.1754561730123456789.0.xyz");
    REQUIRE(v2);
    CHECK(v2->stream == "EVENTS");
    CHECK(v2->delivered == 1);
    CHECK(v2->stream_seq == 9);
    CHECK_FALSE(nats::parse_ack_subject("_INBOX.abc.def"));
    CHECK_FALSE(nats::parse_ack_subject("$JS.ACK.EVENTS.svc.x.42.7.1.5"));
    CHECK_FALSE(nats::parse_ack_subject("$JS.ACK.too.short"));
}

TEST_CASE("events: modes parse, pattern tokens follow Python's consumer naming") {
    CHECK(parse_event_mode("compete") == EventMode::compete);
    CHECK(parse_event_mode("exclusive") == EventMode::exclusive);
    CHECK_THROWS_AS(parse_event_mode("EXCLUSIVE"), UsageError);
    CHECK(service::pattern_token("events.payment.settled") == "events-payment-settled");
    CHECK(service::pattern_token("events.order.*") == "events-order-star");
    CHECK(service::pattern_token("events.>") == "events-all");
    CHECK(service::has_wildcard("events.order.*"));
    CHECK_FALSE(service::has_wildcard("events.order.created"));
    CHECK(nats::deliver_subject_for("EVENTS", "svc") == "_INBOX.aegis.EVENTS.svc");
}

TEST_CASE("events: the retry schedule doubles and is capped") {
    CHECK(service::retry_backoff(250ms, 1) == 250ms);
    CHECK(service::retry_backoff(250ms, 2) == 500ms);
    CHECK(service::retry_backoff(250ms, 4) == 2000ms);
    CHECK(service::retry_backoff(250ms, 10) == 10000ms);
    CHECK(service::retry_backoff(1000ms, 60) == 10000ms);
}

TEST_CASE("metrics: performance grade and health score use the Python formulas") {
    CHECK(service::performance_grade(5, 0.5) == "A+");
    CHECK(service::performance_grade(5, 1.5) == "A");
    CHECK(service::performance_grade(60, 1) == "B");
    CHECK(service::performance_grade(150, 1) == "C");
    CHECK(service::performance_grade(250, 1) == "D");
    CHECK(service::performance_grade(10, 12) == "D");
    CHECK(service::health_score(0, 50, 10, 100) == 100);
    CHECK(service::health_score(10, 50, 10, 100) == 80);    // − min(30, 2×10)
    CHECK(service::health_score(40, 50, 10, 100) == 70);    // − 30 (capped)
    CHECK(service::health_score(0, 200, 10, 100) == 90);    // − (200−100)/10
    CHECK(service::health_score(0, 1000, 90, 600) == 60);   // − 20 − 10 − 10
    CHECK(service::health_score(100, 1000, 90, 600) == 30);
}

TEST_CASE("metrics: the recorder's map and reading it back") {
    service::MetricsRecorder r;
    for (int i = 1; i <= 100; ++i)
        r.record(std::chrono::duration<double, std::milli>(i), i % 10 != 0, 2.0);
    service::ProcessUsage usage{64.0, 12.5};
    Json m = r.snapshot(usage);
    CHECK(m["requests_total"] == 100);
    CHECK(m["errors_total"] == 10);
    CHECK(m["error_rate"] == 10.0);
    CHECK(m["average_latency_ms"] == 50.5);
    CHECK(m["p95_latency_ms"] == 95.0);
    CHECK(m["p99_latency_ms"] == 99.0);
    CHECK(m["business_value"]["transactions_processed"] == 90);
    CHECK(m["last_error_time"].is_string());
    auto v = service::read_metrics({{"metrics", m}, {"health_score", 80.0},
                                    {"performance_grade", "C"}});
    CHECK(v.present);
    CHECK(v.requests_total == 100);
    CHECK(v.p99_latency_ms == 99.0);
    CHECK(v.health_score == 80.0);
    CHECK(v.performance_grade == "C");
    CHECK_FALSE(service::read_metrics(Json::object()).present);
    CHECK(service::read_metrics(Json::object()).health_score < 0);
}
