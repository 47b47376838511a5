// Steps that call services: call (one or more RPCs with expectations) and load (open or closed
// model traffic with thresholds).
#include <algorithm>
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>
#include <map>
#include <set>

#include "core/client/client.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/scenario/failover_analysis.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// True when every key of `want` is in `got` with an equal value (recursively for mappings).
bool subset(const Json& want, const Json& got) {
    if (!want.is_object()) return want == got;
    if (!got.is_object()) return false;
    for (const auto& [k, v] : want.items())
        if (!got.contains(k) || !subset(v, got[k])) return false;
    return true;
}

struct CallTally {
    int ok = 0, failed = 0, wrong = 0;
    std::map<std::string, int> by_instance;
    std::vector<double> ms;
    std::string first_problem;
    void problem(const std::string& p) {
        ++wrong;
        if (first_problem.empty()) first_problem = p;
    }
};

void judge_one(const Json& expect, const StickyResult& r, CallTally& t) {
    std::string who = r.attempts.empty() ? "" : r.attempts.back().instance.value_or("");
    if (r.ok) ++t.ok; else ++t.failed;
    if (r.ok && !who.empty()) ++t.by_instance[who];
    t.ms.push_back(util::millis(r.elapsed));
    std::string error = r.attempts.empty() ? "" : r.attempts.back().error;
    if (expect.contains("error")) {
        std::string want = expect["error"].get<std::string>();
        if (r.ok) t.problem("succeeded, expected an error containing '" + want + "'");
        else if (error.find(want) == std::string::npos)
            t.problem("error '" + error + "', expected one containing '" + want + "'");
        return;
    }
    if (!r.ok) return t.problem("failed: " + (error.empty() ? outcome_name(r.outcome) : error));
    if (expect.contains("result") && !subset(expect["result"], r.result))
        t.problem("result " + r.result.dump() + " does not contain " + expect["result"].dump());
    if (expect.contains("instance") && who != expect["instance"].get<std::string>())
        t.problem("answered by " + who + ", expected " + expect["instance"].get<std::string>());
    if (expect.contains("not_instance") && who == expect["not_instance"].get<std::string>())
        t.problem("answered by " + who + ", which it must not be");
}

// instances (distinct answering instances at least), spread_over + fairness (every instance of
// a group answered, least / most ≥ fairness).
void judge_spread(RunState& s, const Json& expect, const CallTally& t, StepResult& out,
                  const std::string& prefix) {
    s.record(out, prefix, "distinct_instances", static_cast<double>(t.by_instance.size()));
    if (expect.contains("instances") &&
        static_cast<int>(t.by_instance.size()) < expect["instances"].get<int>())
        throw StepFailed(fmt::format("{} distinct instances answered, expected at least {}",
                                     t.by_instance.size(), expect["instances"].get<int>()));
    if (!expect.contains("spread_over")) return;
    auto group = s.group(expect["spread_over"].get<std::string>());
    if (group.empty()) throw StepFailed("expect.spread_over names no spawned group");
    int lo = 1 << 30, hi = 0;
    std::string counts;
    for (auto* i : group) {
        auto it = t.by_instance.find(i->id);
        int n = it == t.by_instance.end() ? 0 : it->second;
        lo = std::min(lo, n);
        hi = std::max(hi, n);
        counts += fmt::format("{}{}={}", counts.empty() ? "" : ", ", i->id, n);
    }
    double fairness = hi > 0 ? static_cast<double>(lo) / hi : 0;
    s.record(out, prefix, "fairness", fairness);
    double want = expect.value("fairness", 0.0);
    if (lo == 0) throw StepFailed("an instance got no call (" + counts + ")");
    if (fairness < want)
        throw StepFailed(fmt::format("fairness {:.2f} < {:.2f} ({})", fairness, want, counts));
    out.title += " (" + counts + ")";
}

void step_call(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string service = s.str(a, "service"), method = s.str(a, "method");
    int count = a.value("count", 1);
    if (count < 1 || count > 100000) throw StepFailed("call.count must be 1–100000");
    RetryPolicy policy;
    policy.attempts = a.value("attempts", 1);
    policy.retry_timeouts = a.value("retry_timeouts", false);
    policy.max_delay = milliseconds(1000);
    policy.validate();
    StickyClient client(s.conn(), policy);
    CallOptions co;
    co.timeout = parse_duration(a.value("timeout", Json("2s")));
    Json expect = a.value("expect", Json::object());
    CallTally t;
    for (int n = 0; n < count && !s.out_of_time(); ++n)
        judge_one(expect, client.call_raw(service, method, a.value("params", Json::object()), co), t);
    if (a.contains("until")) {  // asked again while the answer is not yet the expected one
        if (count != 1) throw StepFailed("call.until needs count 1");
        s.wait_until([&] {
            if (t.wrong == 0) return true;
            t = {};
            judge_one(expect, client.call_raw(service, method, a.value("params", Json::object()), co), t);
            return t.wrong == 0;
        }, parse_duration(a["until"]), milliseconds(100));
    }
    std::string prefix = s.str(a, "record", "call");
    s.record(out, prefix, "ok", t.ok);
    s.record(out, prefix, "failed", t.failed);
    auto p = percentiles(t.ms);
    s.record(out, prefix, "p50_ms", p.p50);
    s.record(out, prefix, "max_ms", p.max);
    if (t.by_instance.size() == 1) s.vars[prefix + ".instance"] = t.by_instance.begin()->first;
    out.title = fmt::format("call {}.{} × {}: {} ok, {} failed, p50 {:.1f} ms", service, method,
                            count, t.ok, t.failed, p.p50);
    if (t.wrong > 0)
        throw StepFailed(fmt::format("{} of {} calls not as expected; first: {}", t.wrong, count,
                                     t.first_problem));
    judge_spread(s, expect, t, out, prefix);
}

}  // namespace

void step_load(RunState& s, const Json& raw, StepResult& out);  // steps_load.cpp

StepFn rpc_step(const std::string& kind) {
    if (kind == "call") return step_call;
    if (kind == "load") return step_load;
    return nullptr;
}

}  // namespace aegis::scenario
