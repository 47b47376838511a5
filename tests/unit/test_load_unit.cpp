// core/load and util::Histogram without a network: percentile accuracy against exact values,
// the open model's schedules, the flag syntax, per-call templates.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <set>
#include <string>

#include "core/load/payload.hpp"
#include "core/load/recorder.hpp"
#include "core/load/report.hpp"
#include "core/load/schedule.hpp"
#include "core/load/self_cpu.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/histogram.hpp"
#include "core/wire/envelope.hpp"

using namespace aegis;

namespace {
double exact_nearest_rank(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

int count_calls(const load::Schedule& s) {
    load::Pacer p(s);
    int n = 0;
    while (p.next()) ++n;
    return n;
}
}  // namespace

TEST_CASE("histogram percentiles are within 1% of the exact nearest-rank values") {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> latency_ns(std::log(400'000.0), 1.2);  // ~0.4 ms, long tail
    std::vector<double> samples;
    util::Histogram h;
    for (int i = 0; i < 200'000; ++i) {
        double v = std::round(latency_ns(rng));
        samples.push_back(v);
        h.record(v);
    }
    REQUIRE(h.count() == samples.size());
    for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
        double exact = exact_nearest_rank(samples, q);
        INFO("q=" << q << " exact=" << exact << " histogram=" << h.percentile(q));
        CHECK(std::abs(h.percentile(q) - exact) <= 0.01 * exact);
    }
    CHECK(h.max() == *std::max_element(samples.begin(), samples.end()));
    CHECK(h.min() == *std::min_element(samples.begin(), samples.end()));
    double sum = 0;
    for (double v : samples) sum += v;
    CHECK(h.mean() == Approx(sum / samples.size()).epsilon(1e-9));
}

TEST_CASE("histogram: small values are exact, merge adds, reset empties") {
    auto s = util::summarise({5, 1, 4, 2, 3, 10, 9, 8, 7, 6}, 10.0);
    CHECK(s.n == 10);
    CHECK(s.p50 == 5);
    CHECK(s.p90 == 9);
    CHECK(s.min == 1);
    CHECK(s.max == 10);
    util::Histogram a(1.0), b(1.0);
    a.record_ticks(1'000'000'000);
    b.record_ticks(3);
    a.merge(b);
    CHECK(a.count() == 2);
    CHECK(a.min() == 3);
    CHECK(a.percentile(1.0) == 1'000'000'000);  // clamped to the exact max
    a.reset();
    CHECK(a.empty());
    CHECK(a.percentile(0.5) == 0);
}

TEST_CASE("pacer: constant, ramp, steps and spike send the integral of the rate") {
    CHECK(count_calls(load::Schedule::constant(200, 4)) == 800);
    // A ramp 0 → 100 over 10 s is 500 calls, sent later and later closer together.
    CHECK(std::abs(count_calls(load::Schedule::ramp(0, 100, 10)) - 500) <= 1);
    CHECK(count_calls(load::Schedule::steps({{10, 2}, {50, 2}})) == 120);
    auto spiky = load::Schedule::constant(10, 10);
    spiky.add_spike(1000, 4, 1);
    CHECK(std::abs(count_calls(spiky) - (90 + 1000)) <= 1);
    CHECK(spiky.rate_at(4.5) == 1000);
    CHECK(spiky.rate_at(6) == 10);
    load::Pacer p(load::Schedule::constant(4, 1));
    CHECK(*p.next() == 0);
    CHECK(*p.next() == Approx(0.25));
}

TEST_CASE("durations: seconds with an optional unit, one parser for every option") {
    using std::chrono::milliseconds;
    CHECK(util::parse_seconds("10", "--duration") == milliseconds(10000));
    CHECK(util::parse_seconds("1.5", "--timeout") == milliseconds(1500));
    CHECK(util::parse_seconds("10s", "--duration") == milliseconds(10000));
    CHECK(util::parse_seconds("500ms", "--duration") == milliseconds(500));
    CHECK(util::parse_seconds("2m", "--duration") == milliseconds(120000));
    CHECK(util::parse_seconds("2h", "--since") == milliseconds(7200000));
    CHECK(util::parse_seconds("1d", "--since") == milliseconds(86400000));
    CHECK(util::parse_seconds("0", "--warmup", {0.001, 60, true}) == milliseconds(0));
    for (const char* bad : {"ten", "5x", "10 s", "1d2h", "8d", "s", "ms", "", "nan", "infms", "-1s", "1e308",
                            "1e6m", "0"}) {
        INFO(bad);
        CHECK_THROWS_AS(util::parse_seconds(bad, "--duration"), UsageError);
    }
    try {
        util::parse_seconds("5x", "--warmup");
        FAIL("5x was accepted");
    } catch (const UsageError& e) {
        std::string what = e.what();
        CHECK(what.find("--warmup") != std::string::npos);
        CHECK(what.find("500ms") != std::string::npos);  // the units are shown
        CHECK(what.find('\n') == std::string::npos);
    }
}

TEST_CASE("load flag syntax: ramp, steps, spike, nonsense is a usage error") {
    CHECK(load::parse_ramp("10:500") == std::pair<double, double>{10, 500});
    CHECK_THROWS_AS(load::parse_ramp("10"), UsageError);
    auto even = load::parse_steps("100,200,400", 9.0);
    REQUIRE(even.size() == 3);
    CHECK(even[2] == std::pair<double, double>{400, 3});
    auto own = load::parse_steps("100:5s,200:500ms", std::nullopt);
    CHECK(own[1] == std::pair<double, double>{200, 0.5});
    CHECK_THROWS_AS(load::parse_steps("100,200", std::nullopt), UsageError);
    CHECK_THROWS_AS(load::parse_steps("100:5s,200", std::nullopt), UsageError);
    auto sp = load::parse_spike("1000@5s/2s");
    CHECK(sp.rps == 1000);
    CHECK(sp.at_s == 5);
    CHECK(sp.for_s == 2);
    CHECK_THROWS_AS(load::parse_spike("1000@5s"), UsageError);
    CHECK_THROWS_AS(load::parse_spike("x@5s/1s"), UsageError);
    CHECK(load::parse_spike("10@0/1s").at_s == 0);
    CHECK_THROWS_AS(load::parse_spike("10@1e308/1s"), UsageError);
    CHECK_THROWS_AS(load::parse_steps("100:nan", std::nullopt), UsageError);
}

TEST_CASE("payloads: templates per call, a fresh message_id per call, --payload-bytes") {
    Json p = {{"id", "order-{{seq}}"}, {"nested", {{"u", "{{uuid}}"}}}, {"n", 3}};
    CHECK(load::has_templates(p));
    Json r = load::render_templates(p, 7);
    CHECK(r["id"] == "order-7");
    CHECK(r["nested"]["u"].get<std::string>().size() == 36);
    CHECK(r["n"] == 3);

    load::PayloadSpec fixed{"echo-service", "echo", {{"message", "hi"}}, 100};
    load::PayloadFactory f(fixed);
    CHECK_FALSE(f.templated());
    CHECK(f.subject() == "rpc.echo-service.echo");
    std::set<std::string> ids;
    for (int i = 1; i <= 3; ++i) {
        auto req = wire::decode_rpc_request(f.make(i));
        ids.insert(req.header.message_id);
        CHECK(req.params["message"] == "hi");
        CHECK(req.params["payload"].get<std::string>().size() == 100);
    }
    CHECK(ids.size() == 3);

    load::PayloadFactory t({"order-service", "create", {{"order_id", "o-{{seq}}"}}});
    CHECK(t.templated());
    CHECK(wire::decode_rpc_request(t.make(42)).params["order_id"] == "o-42");
    CHECK_THROWS_AS(load::PayloadFactory({"s", "m", Json::array()}), UsageError);
}

TEST_CASE("load report: refusals are counted as their own error classes") {
    auto start = std::chrono::steady_clock::now();
    load::Recorder rec(start, 1);
    load::Completion c;
    c.outcome = load::Outcome::overloaded;
    rec.record(c, start);
    rec.record(c, start);
    c.outcome = load::Outcome::shutting_down;
    rec.record(c, start);
    rec.finish(start + std::chrono::seconds(1));
    CHECK(rec.errors().overloaded == 2);
    CHECK(rec.errors().shutting_down == 1);
    CHECK(rec.errors().total() == 3);
    CHECK(rec.errors().remote.empty());
    CHECK(std::string(load::outcome_key(load::Outcome::overloaded)) == "overloaded");
}

TEST_CASE("generator CPU: a saturated thread or every core busy makes the generator the limit") {
    using namespace std::chrono_literals;
    load::CpuSample from, to;
    from.at = std::chrono::steady_clock::time_point{} + 10s;
    to.at = from.at + 2s;
    from.process_s = 1.0;
    to.process_s = 2.5;  // 1.5 s of CPU in 2 s: 0.75 cores
    from.threads_s = {{100, 0.2}, {101, 0.3}};
    to.threads_s = {{100, 1.0}, {101, 0.5}, {102, 0.4}};  // 102 started during the run
    auto g = load::generator_cpu(from, to, 2);
    CHECK(g.cpu_s == Approx(1.5));
    CHECK(g.cores == Approx(0.75));
    CHECK(g.busiest_thread == Approx(0.4));  // thread 100: 0.8 s of 2 s
    CHECK_FALSE(g.bound);
    to.threads_s[100] = 2.1;  // 1.9 s of 2 s: that thread cannot go faster
    CHECK(load::generator_cpu(from, to, 2).bound);
    CHECK(load::generator_cpu(from, to, 2).busiest_thread <= 1.0);
    CHECK(load::generator_bound(0.5, 1.85, 2));   // both cores busy
    CHECK_FALSE(load::generator_bound(0.5, 1.5, 2));
    CHECK(load::generator_bound(0.2, 0.95, 1));
    to.at = from.at;  // no time passed: nothing to divide by, nothing claimed
    CHECK_FALSE(load::generator_cpu(from, to, 2).bound);
}

TEST_CASE("generator CPU: this process's sample sees its own busy thread") {
    auto a = load::sample_cpu();
    volatile double x = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    while (std::chrono::steady_clock::now() < until) x = x + 1;
    auto b = load::sample_cpu();
    CHECK(b.process_s > a.process_s);
    CHECK_FALSE(b.threads_s.empty());
    auto g = load::generator_cpu(a, b, 1);
    CHECK(g.cpu_s > 0);
}
