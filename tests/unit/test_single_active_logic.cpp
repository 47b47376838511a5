// The lease, retry and failover-analysis logic without NATS: leader value bytes (G15), staleness
// on a fake clock, self-fencing, policy presets, the backoff of docs/protocol.md §3.7, every
// NOT_ACTIVE shape of §3.6 (G6, G7) and the sticky_active event payloads (G9).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/client/sticky_retry.hpp"
#include "core/scenario/failover_analysis.hpp"
#include "core/service/failover_policy.hpp"
#include "core/service/lease.hpp"
#include "core/service/sticky_events.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::unhex;
using aegis::test::vec;

using namespace aegis;
using namespace std::chrono_literals;
using Mono = std::chrono::steady_clock::time_point;

namespace {

Json golden(const char* name) {
    return wire::decode(unhex(vec(name).at("hex").get<std::string>()));
}

const Mono t0{std::chrono::seconds(1000)};

}  // namespace

TEST_CASE("single-active: the leader value has the Python layout byte for byte (G15)") {
    service::LeaderValue v;
    v.instance_id = "order-processor-7b1e4d2a";
    v.elected_at = 1754561940.0;
    v.last_heartbeat = 1754561940.0;
    v.metadata = {{"start_time", "2025-08-07T10:18:59.900000+00:00"}};
    CHECK(service::encode_leader_value(v) ==
          vec("election_leader_value").at("value_bytes").get<std::string>());
}

TEST_CASE("single-active: a standby judges staleness on its own clock") {
    service::LeaseView view;
    CHECK_FALSE(view.stale(t0, 800ms));
    view.seen("a", 1.0, 5, t0);
    CHECK(view.held());
    CHECK(view.holder() == "a");
    CHECK_FALSE(view.stale(t0 + 800ms, 800ms));
    CHECK(view.stale(t0 + 801ms, 800ms));
    view.seen("a", 1.0, 5, t0 + 500ms);  // a watch replay of the same revision
    CHECK(view.stale(t0 + 801ms, 800ms));
    view.seen("a", 2.0, 6, t0 + 600ms);  // a renewal restarts the clock
    CHECK_FALSE(view.stale(t0 + 1300ms, 800ms));
    CHECK(view.quiet_for(t0 + 1300ms) == 700ms);
    view.seen("b", 3.0, 4, t0 + 1400ms);  // older than what we know: ignored
    CHECK(view.holder() == "a");
    CHECK(view.revision() == 6);
    view.seen_absent(7, t0 + 1500ms);  // a clean release
    CHECK_FALSE(view.held());
    CHECK_FALSE(view.stale(t0 + 10s, 800ms));
}

TEST_CASE("single-active: the writer's wall clock never decides a takeover") {
    // last_heartbeat says "ages ago" (a skewed or Python writer) but we saw it just now.
    service::LeaseView view;
    view.seen("a", 12.0, 9, t0);
    CHECK_FALSE(view.stale(t0 + 100ms, 800ms));
}

TEST_CASE("single-active: a leader is silent before any standby may take over") {
    for (const auto& p : {FailoverPolicy::aggressive(), FailoverPolicy::balanced(),
                          FailoverPolicy::conservative()}) {
        INFO(p.mode);
        CHECK_NOTHROW(p.validate());
        service::LeaseHold hold;
        hold.acquired(10, t0);
        CHECK(hold.term() == 10);
        CHECK_FALSE(hold.fenced(t0 + p.fence_after - 1ms, p.fence_after));
        CHECK(hold.fenced(t0 + p.fence_after, p.fence_after));
        // The earliest takeover: a standby saw the last write no earlier than it was sent and
        // waits a full lease after that.
        service::LeaseView standby;
        standby.seen("leader", 0, 10, t0);
        CHECK_FALSE(standby.stale(t0 + p.fence_after, p.lease));
        CHECK(p.renew_interval * 3 <= p.fence_after);  // three renewals may fail before fencing
        hold.renewed(11, t0 + p.renew_interval);
        CHECK_FALSE(hold.fenced(t0 + p.fence_after, p.fence_after));
        CHECK(hold.term() == 10);
        hold.released();
        CHECK(hold.fenced(t0, p.fence_after));
    }
}

TEST_CASE("single-active: policy presets, names and validation") {
    CHECK(FailoverPolicy::from_name("aggressive").lease == 400ms);
    CHECK(FailoverPolicy::from_name("balanced").lease == 800ms);
    CHECK(FailoverPolicy::from_name("conservative").lease == 3000ms);
    CHECK(FailoverPolicy{}.lease == FailoverPolicy::balanced().lease);
    CHECK_THROWS_AS(FailoverPolicy::from_name("reckless"), UsageError);
    FailoverPolicy p = FailoverPolicy::balanced();
    p.fence_after = p.lease;
    CHECK_THROWS_AS(p.validate(), UsageError);
    p = FailoverPolicy::balanced();
    p.renew_interval = p.fence_after;
    CHECK_THROWS_AS(p.validate(), UsageError);
    p = FailoverPolicy::balanced();
    p.check_interval = p.lease;
    CHECK_THROWS_AS(p.validate(), UsageError);
    p = FailoverPolicy::balanced();
    CHECK(p.probe_interval == p.check_interval);  // the liveness probe is on by default
    p.probe_interval = -1ms;
    CHECK_THROWS_AS(p.validate(), UsageError);
    p.probe_interval = 0ms;  // lease only
    CHECK_NOTHROW(p.validate());
}

TEST_CASE("single-active: a standby knows since when the holder holds and if it may be probed") {
    service::LeaseView view;
    Mono t0{};
    view.seen("a", 1.0, 5, t0, true);
    CHECK(view.probe());
    CHECK(view.holder_since() == t0);
    view.seen("a", 2.0, 6, t0 + 200ms, true);  // a renewal: the same tenure
    CHECK(view.holder_since() == t0);
    view.seen("b", 3.0, 7, t0 + 900ms, false);  // a takeover by an instance without the probe
    CHECK(view.holder_since() == t0 + 900ms);
    CHECK_FALSE(view.probe());
    view.seen_absent(8, t0 + 1s);
    CHECK_FALSE(view.probe());
    view.seen("b", 3.0, 9, t0 + 2s, true);  // the same id again after a release: a new tenure
    CHECK(view.holder_since() == t0 + 2s);
}

TEST_CASE("failover: the retry backoff of docs/protocol.md §3.7") {
    RetryPolicy p;  // 3 attempts, 100 ms, ×2, 5 s cap, ±10 %
    CHECK(p.delay_before(0, 0.9) == 0ms);
    CHECK(p.delay_before(1, 0.5) == 100ms);
    CHECK(p.delay_before(2, 0.5) == 200ms);
    CHECK(p.delay_before(3, 0.5) == 400ms);
    CHECK(p.delay_before(1, 0.0) == 90ms);
    CHECK(p.delay_before(1, 1.0) == 110ms);
    CHECK(p.delay_before(10, 0.5) == 5000ms);  // capped
    for (int i = 0; i < 50; ++i) {
        auto d = p.delay_before(2);
        CHECK(d >= 180ms);
        CHECK(d <= 220ms);
    }
    p.attempts = 0;
    CHECK_THROWS_AS(p.validate(), UsageError);
    p = RetryPolicy{};
    p.max_delay = 50ms;
    CHECK_THROWS_AS(p.validate(), UsageError);
}

TEST_CASE("failover: the client recognises each NOT_ACTIVE shape") {
    RetryPolicy p;
    // G6: the Python SingleActiveService standby (NOT_ACTIVE inside a successful envelope).
    Json g6 = golden("rpc_not_active");
    CHECK(is_not_active(g6));
    CHECK(is_not_active(wire::rpc_response_from(g6)));
    CHECK(classify_reply(g6, p) == AttemptOutcome::not_active);
    // RPCCallUseCase / troubleshooting: envelope-level error text.
    auto envelope_error = [](const std::string& error) {
        return wire::to_json_value(wire::make_failure(std::string("m-1"), error));
    };
    CHECK(is_not_active(envelope_error("NOT_ACTIVE: This instance is not active.")));
    CHECK(is_not_active(envelope_error("RPC failed: this is not the active instance")));
    CHECK(is_not_active(envelope_error("NOT_ACTIVE")));  // docs/stories/3.3
    // Scaffolded template: error_code inside the result.
    auto scaffold = wire::to_json_value(
        wire::make_success(std::string("m-1"), Json{{"error", true},
                                                    {"error_code", "NOT_ACTIVE"},
                                                    {"error_message", "Not the active leader"}}));
    CHECK(is_not_active(scaffold));
    // failover_tester.py: a raw JSON reply with a top-level error_code.
    CHECK(is_not_active(Json{{"error_code", "NOT_ACTIVE"}}));
    // Not NOT_ACTIVE: G7, a plain error, a plain success.
    Json g7 = golden("rpc_exclusive_active");
    CHECK_FALSE(is_not_active(g7));
    CHECK(classify_reply(g7, p) == AttemptOutcome::success);
    CHECK(classify_reply(envelope_error("message must not be empty"), p) ==
          AttemptOutcome::remote_error);
    // Python's substring rule: any error text containing NOT_ACTIVE is retryable.
    CHECK(classify_reply(envelope_error("INTERNAL_ERROR: This is not a NOT_ACTIVE error"), p) ==
          AttemptOutcome::not_active);
}

TEST_CASE("refusals: OVERLOADED and SHUTTING_DOWN are their own retryable outcomes") {
    RetryPolicy p;
    auto envelope_error = [](const std::string& error) {
        return wire::to_json_value(wire::make_failure(std::string("m-1"), error));
    };
    CHECK(classify_reply(envelope_error("OVERLOADED: 'svc.slow' has 256 requests waiting"), p) ==
          AttemptOutcome::overloaded);
    CHECK(classify_reply(envelope_error("SHUTTING_DOWN: instance 'svc-1' is stopping"), p) ==
          AttemptOutcome::shutting_down);
    // Only at the start of the text: a handler's own message that mentions the word is not one.
    CHECK(classify_reply(envelope_error("the queue was OVERLOADED yesterday"), p) ==
          AttemptOutcome::remote_error);
    CHECK(std::string(outcome_name(AttemptOutcome::overloaded)) == "overloaded");
}

TEST_CASE("failover: exclusive results are unwrapped (G7)") {
    Json g7 = golden("rpc_exclusive_active");
    CHECK(unwrap_exclusive(g7.at("result")) ==
          Json{{"order_id", "ORD-1001"}, {"status", "processed"}});
    CHECK(unwrap_exclusive(vec("exclusive_scalar_result").at("value")) == Json{{"data", 42}});
    Json failed = {
        {"success", false}, {"error", "EXECUTION_ERROR"}, {"message", "boom"}, {"result", nullptr}};
    CHECK_THROWS_AS(unwrap_exclusive(failed), RemoteError);
    Json plain = {{"echo", "hi"}};
    CHECK(unwrap_exclusive(plain) == plain);
}

TEST_CASE("single-active: sticky_active events carry the Python payloads (G9)") {
    const Json& want = vec("event_leader_elected").at("decoded").at("payload");
    auto at = wire::parse_timestamp("2025-08-07T10:19:00+00:00");
    REQUIRE(at);
    service::StickyIds ids{"order-processor", "order-processor-7b1e4d2a", "default"};
    CHECK(service::leader_elected_payload(ids, std::nullopt, *at) == want);
    Json lost = service::leader_lost_payload(ids, "Leadership released", *at);
    CHECK(lost.at("reason") == "Leadership released");
    CHECK(lost.at("lost_at") == "2025-08-07T10:19:00Z");
    std::vector<std::string> keys;
    for (auto& [k, v] : lost.items()) keys.push_back(k);
    CHECK(keys == std::vector<std::string>{"metadata", "service_name", "instance_id", "group_id",
                                           "reason", "lost_at"});
}

TEST_CASE("failover: a trial's figures from calls and lease events") {
    using scenario::CallState;
    scenario::TrialWindow w{1, "crash", t0, t0 + 1000ms, t0 + 3000ms, "old"};
    auto call = [](Mono issued, CallState st, int attempts, std::vector<scenario::Reply> ok) {
        scenario::CallRecord c;
        c.issued = issued;
        c.state = st;
        c.attempts = attempts;
        c.successes = std::move(ok);
        return c;
    };
    std::vector<scenario::CallRecord> calls = {
        call(t0 + 100ms, CallState::ok, 1, {{t0 + 101ms, "old"}}),
        call(t0 + 1010ms, CallState::retried, 4, {{t0 + 1700ms, "new"}}),
        call(t0 + 1020ms, CallState::retried, 3, {{t0 + 1650ms, "new"}, {t0 + 1660ms, "new"}}),
        call(t0 + 1030ms, CallState::failed, 8, {}),
        call(t0 + 1040ms, CallState::lost, 8, {}),
        call(t0 + 5000ms, CallState::ok, 1, {{t0 + 5001ms, "new"}}),  // outside the window
    };
    using K = scenario::LeaseEvent::Kind;
    std::vector<scenario::LeaseEvent> events = {
        {K::held, t0, "old"},
        {K::lost_event, t0 + 1580ms, "old"},
        {K::held, t0 + 1600ms, "new"},
    };
    auto r = scenario::analyse_trial(w, calls, events);
    CHECK(r.new_leader == "new");
    CHECK(r.detect_ms == Approx(580));
    CHECK(r.elected_ms == Approx(600));
    CHECK(r.first_success_ms == Approx(650));
    CHECK(r.calls == 5);
    CHECK(r.ok == 1);
    CHECK(r.retried == 2);
    CHECK(r.failed == 1);
    CHECK(r.lost == 1);
    CHECK(r.duplicates == 1);
    CHECK(r.split_brain == 0);
    CHECK(r.max_attempts == 8);
    // The old leader answering after the new one served is split-brain.
    calls.push_back(call(t0 + 1700ms, CallState::ok, 1, {{t0 + 1800ms, "old"}}));
    CHECK(scenario::analyse_trial(w, calls, events).split_brain == 1);
}

TEST_CASE("failover: duplicates and two leaders counted on the service side") {
    using scenario::CallState;
    scenario::TrialWindow w{1, "crash", t0, t0 + 1000ms, t0 + 3000ms, "old"};
    auto call = [](const char* id, Mono issued, Mono answered, const char* by) {
        scenario::CallRecord c;
        c.message_id = id;
        c.issued = issued;
        c.state = CallState::ok;
        c.attempts = 1;
        c.successes = {{answered, by}};
        return c;
    };
    // One reply each: a reply-side count sees no duplicate at all.
    std::vector<scenario::CallRecord> calls = {
        call("a", t0 + 100ms, t0 + 101ms, "old"),
        call("b", t0 + 990ms, t0 + 1500ms, "new"),  // the old leader ran it; the new one again
        call("c", t0 + 995ms, t0 + 1500ms, "new"),  // interrupted by the kill, run again
        call("d", t0 + 1600ms, t0 + 1601ms, "new"),
    };
    auto run = [](Mono at, const char* id, const char* by, uint64_t term, bool done) {
        return scenario::Execution{at, id, by, term, done};
    };
    std::vector<scenario::Execution> runs = {
        run(t0 + 100ms, "a", "old", 5, false),   run(t0 + 100ms, "a", "old", 5, true),
        run(t0 + 990ms, "b", "old", 5, false),   run(t0 + 991ms, "b", "old", 5, true),
        run(t0 + 996ms, "c", "old", 5, false),   run(t0 + 1490ms, "b", "new", 9, false),
        run(t0 + 1491ms, "b", "new", 9, true),   run(t0 + 1495ms, "c", "new", 9, false),
        run(t0 + 1496ms, "c", "new", 9, true),   run(t0 + 1600ms, "d", "new", 9, false),
        run(t0 + 1601ms, "d", "new", 9, true),
    };
    auto r = scenario::analyse_trial(w, calls, {}, runs);
    CHECK(r.executions == 6);  // starts within the window
    CHECK(r.service_duplicates == 1);  // b finished twice
    CHECK(r.reruns == 1);              // c: the first run never finished
    CHECK(r.duplicates == 1);
    CHECK(r.split_brain == 0);
    // The old term starting a call after the new term did: two leaders running calls.
    runs.push_back(run(t0 + 1700ms, "e", "old", 5, false));
    CHECK(scenario::analyse_trial(w, calls, {}, runs).split_brain == 1);
    auto s = scenario::summarise({r});
    CHECK(s.service_duplicates == 1);
    CHECK(s.reruns == 1);
    CHECK(s.executions == 6);
}

TEST_CASE("failover: nearest-rank percentiles over trials") {
    auto p = scenario::percentiles({5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
    CHECK(p.n == 10);
    CHECK(p.min == 1);
    CHECK(p.p50 == 5);
    CHECK(p.p90 == 9);
    CHECK(p.max == 10);
    CHECK(scenario::percentiles({}).n == 0);
    CHECK(scenario::percentiles({42}).p90 == 42);
}
