// The load step: RPCs at a fixed rate (open model) or with N in flight (closed model) for a
// duration, on client::AsyncCaller, then thresholds on error rate, p99 latency and throughput.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "core/client/async_caller.hpp"
#include "core/scenario/failover_analysis.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"
#include "core/util/signals.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

struct LoadTally {
    std::mutex mutex;
    std::vector<double> ms;
    std::map<std::string, int> by_instance;
    std::map<std::string, int> errors;
    int ok = 0, failed = 0;
    void add(client::AsyncReply&& r) {
        std::lock_guard lock(mutex);
        bool good = r.ok && r.response.success;
        if (good) {
            ++ok;
            ms.push_back(util::millis(r.rtt));
            if (r.instance) ++by_instance[*r.instance];
        } else {
            ++failed;
            ++errors[r.ok ? r.response.error.value_or("error") : r.failure];
        }
    }
};

struct LoadPlan {
    double rate = 0;
    int concurrency = 0;
    milliseconds duration{0}, timeout{0};
};

int drive(RunState& s, client::AsyncCaller& caller, const LoadPlan& p, const std::string& service,
          const std::string& method, const Json& params, std::shared_ptr<LoadTally> tally) {
    CallOptions co;
    co.timeout = p.timeout;
    auto t0 = Clock::now(), end = t0 + p.duration;
    int sent = 0;
    while (Clock::now() < end && !util::stop_requested() && !s.out_of_time()) {
        bool go = p.rate > 0 ? sent < (Clock::now() - t0) / std::chrono::duration<double>(1.0 / p.rate)
                             : static_cast<int>(caller.in_flight()) < p.concurrency;
        if (go) {
            caller.call(service, method, params, co, [tally](client::AsyncReply&& r) { tally->add(std::move(r)); });
            ++sent;
            continue;
        }
        caller.expire();
        std::this_thread::sleep_for(milliseconds(p.rate > 0 ? 1 : 0) + std::chrono::microseconds(200));
    }
    auto drain_end = Clock::now() + p.timeout + milliseconds(200);
    while (caller.in_flight() > 0 && Clock::now() < drain_end) {
        caller.expire();
        std::this_thread::sleep_for(milliseconds(5));
    }
    caller.expire();
    return sent;
}

void check_thresholds(const Json& a, StepResult& out) {
    auto& f = out.figures;
    if (a.contains("max_error_rate") && f["error_rate"] > a["max_error_rate"].get<double>())
        throw StepFailed(fmt::format("error rate {:.4f} > {} ({} of {} failed)", f["error_rate"],
                                     a["max_error_rate"].get<double>(), f["failed"], f["sent"]));
    if (a.contains("max_p99_ms") && f["p99_ms"] > a["max_p99_ms"].get<double>())
        throw StepFailed(fmt::format("p99 {:.1f} ms > {} ms", f["p99_ms"], a["max_p99_ms"].get<double>()));
    if (a.contains("min_throughput") && f["throughput"] < a["min_throughput"].get<double>())
        throw StepFailed(fmt::format("throughput {:.1f}/s < {}/s", f["throughput"],
                                     a["min_throughput"].get<double>()));
}

}  // namespace

void step_load(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    LoadPlan p;
    p.rate = a.value("rate", 0.0);
    p.concurrency = a.value("concurrency", 0);
    if ((p.rate > 0) == (p.concurrency > 0))
        throw StepFailed("load needs either 'rate' (calls/s) or 'concurrency' (calls in flight)");
    if (p.rate > 100000 || p.concurrency > 10000) throw StepFailed("load: rate ≤ 100000, concurrency ≤ 10000");
    p.duration = parse_duration(a["duration"]);
    p.timeout = parse_duration(a.value("timeout", Json("2s")));
    std::string service = s.str(a, "service"), method = s.str(a, "method");
    auto tally = std::make_shared<LoadTally>();
    client::AsyncCaller caller(s.conn());
    auto t0 = Clock::now();
    int sent = drive(s, caller, p, service, method, a.value("params", Json::object()), tally);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::lock_guard lock(tally->mutex);
    auto q = percentiles(tally->ms);
    std::vector<double> sorted = tally->ms;
    std::sort(sorted.begin(), sorted.end());
    double p99 = sorted.empty() ? 0 : sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
    std::string prefix = s.str(a, "record", "load");
    s.record(out, prefix, "sent", sent);
    s.record(out, prefix, "ok", tally->ok);
    s.record(out, prefix, "failed", tally->failed);
    s.record(out, prefix, "error_rate", sent ? static_cast<double>(tally->failed) / sent : 0);
    s.record(out, prefix, "throughput", secs > 0 ? tally->ok / secs : 0);
    s.record(out, prefix, "p50_ms", q.p50);
    s.record(out, prefix, "p99_ms", p99);
    s.record(out, prefix, "max_ms", q.max);
    s.record(out, prefix, "distinct_instances", static_cast<double>(tally->by_instance.size()));
    out.title = fmt::format("load {}.{} {} for {} ms: {} sent, {} ok, {} failed, {:.0f}/s, "
                            "p50 {:.2f} ms, p99 {:.2f} ms",
                            service, method,
                            p.rate > 0 ? fmt::format("at {}/s", p.rate)
                                       : fmt::format("with {} in flight", p.concurrency),
                            p.duration.count(), sent, tally->ok, tally->failed,
                            out.figures["throughput"], q.p50, p99);
    check_thresholds(a, out);
}

}  // namespace aegis::scenario
