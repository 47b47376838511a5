// The fault proxy's timing rules (core/fault/fault_plan.hpp) and its loopback-only upstream.
#include <catch2/catch.hpp>

#include "core/fault/fault_plan.hpp"
#include "core/fault/upstream.hpp"
#include "core/util/error.hpp"

using namespace aegis;
using namespace aegis::fault;
using namespace std::chrono_literals;

TEST_CASE("a partition is silent for its duration, then heals by itself", "[fault]") {
    FaultPlan plan;
    Mono t0{};
    plan.apply({FaultKind::partition, 2000ms}, t0);
    CHECK(plan.effect(t0).silent);
    CHECK(plan.effect(t0 + 1999ms).silent);
    CHECK(plan.next_change(t0 + 10ms) == t0 + 2000ms);
    CHECK_FALSE(plan.effect(t0 + 2000ms).silent);
    CHECK(plan.kind(t0 + 2000ms) == FaultKind::none);
    CHECK(plan.next_change(t0 + 2000ms) == Mono::max());
}

TEST_CASE("a flap alternates cut and heal and ends healed", "[fault]") {
    FaultPlan plan;
    Mono t0{};
    Fault f{FaultKind::flap, 1000ms};
    f.cut = 300ms;
    f.heal = 200ms;
    plan.apply(f, t0);
    CHECK(plan.effect(t0 + 100ms).silent);
    CHECK(plan.next_change(t0 + 100ms) == t0 + 300ms);
    CHECK_FALSE(plan.effect(t0 + 350ms).silent);
    CHECK(plan.next_change(t0 + 350ms) == t0 + 500ms);
    CHECK(plan.effect(t0 + 600ms).silent);
    CHECK(plan.next_change(t0 + 900ms) == t0 + 1000ms);  // the end comes before the next cut
    CHECK_FALSE(plan.effect(t0 + 1000ms).silent);
}

TEST_CASE("latency, slow-close and heal", "[fault]") {
    FaultPlan plan;
    Mono t0{};
    Fault f{FaultKind::latency, 1000ms};
    f.delay = 150ms;
    f.jitter = 50ms;
    plan.apply(f, t0);
    CHECK(plan.effect(t0).delay == 150ms);
    CHECK(plan.effect(t0).jitter == 50ms);
    CHECK_FALSE(plan.effect(t0).silent);
    plan.apply({FaultKind::slow_close, 500ms}, t0);
    CHECK(plan.effect(t0).half_open);
    CHECK(plan.effect(t0).delay == 0ms);
    plan.heal();
    CHECK(plan.effect(t0) == Effect{});
}

TEST_CASE("every fault must end and names are checked", "[fault]") {
    FaultPlan plan;
    CHECK_THROWS_AS(plan.apply({FaultKind::partition, 0ms}, Mono{}), UsageError);
    Fault f{FaultKind::flap, 1000ms};
    f.cut = 0ms;
    CHECK_THROWS_AS(plan.apply(f, Mono{}), UsageError);
    CHECK(parse_fault_kind("slow-close") == FaultKind::slow_close);
    CHECK(parse_fault_kind("partition") == FaultKind::partition);
    CHECK_THROWS_AS(parse_fault_kind("cut"), UsageError);
}

TEST_CASE("the fault proxy forwards to one loopback server only", "[fault]") {
    auto u = parse_upstream("nats://user:pw@127.0.0.1:4333");
    CHECK(u.address == "127.0.0.1");
    CHECK(u.port == 4333);
    CHECK(proxied_url(u, 5000) == "nats://user:pw@127.0.0.1:5000");
    CHECK(parse_upstream("localhost").port == 4222);
    CHECK(parse_upstream("nats://127.1.2.3:7").address == "127.1.2.3");
    CHECK_THROWS_AS(parse_upstream("nats://10.0.0.1:4222"), UsageError);
    CHECK_THROWS_AS(parse_upstream("nats://example.com:4222"), UsageError);
    CHECK_THROWS_AS(parse_upstream("nats://127.0.0.1:1,nats://127.0.0.1:2"), UsageError);
    CHECK_THROWS_AS(parse_upstream("nats://127.0.0.1:99999"), UsageError);
}
