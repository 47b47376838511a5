// Steps that observe: wait_for (leader, instance count, registry entry state), assert (bounds on
// recorded figures), check (NATS, JetStream, KV, registry, port-forward) and leftovers.
#include <regex>
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <vector>
#include <string>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/scenario/leaders_view.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/scenario/sweep.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

void wait_leader(RunState& s, const Json& a, StepResult& out, milliseconds timeout) {
    std::string service = s.str(a, "leader"), not_id = s.str(a, "not");
    std::string group = s.str(a, "group", "default"), who, last_error;
    bool ok = s.wait_until([&] {
        try {
            auto h = lease_holder(s.conn(), service, group);
            if (h && *h != not_id) who = *h;
        } catch (const TimeoutError& e) {
            // A read that timed out is "not yet": while a node is cut its peers may still
            // route a request to it until they notice. The step's own timeout bounds the wait.
            last_error = e.what();
        }
        return !who.empty();
    }, timeout, milliseconds(10));
    out.title = fmt::format("wait for a leader of {}{}", service,
                            not_id.empty() ? "" : " other than " + not_id);
    if (!ok)
        throw StepFailed(fmt::format("no leader within {} ms{}", timeout.count(),
                                     last_error.empty() ? "" : " (last read: " + last_error + ")"));
    s.vars["leader"] = who;
    out.title += ": " + who;
}

void wait_instances(RunState& s, const Json& a, StepResult& out, milliseconds timeout) {
    std::string service = s.str(a, "instances");
    int want = a.value("count", -1);
    if (want < 0) throw StepFailed("wait_for.instances needs 'count'");
    registry::Registry reg(s.conn());
    registry::ListOptions lo;
    lo.service = service;
    lo.stale_after = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(a.value("stale_after", Json("35s"))));
    if (lo.stale_after.count() < 1) lo.stale_after = std::chrono::seconds(1);
    size_t seen = 0;
    bool ok = s.wait_until([&] {
        seen = reg.list(lo).size();
        return static_cast<int>(seen) == want;
    }, timeout, milliseconds(50));
    out.title = fmt::format("wait for {} live instance(s) of {}", want, service);
    if (!ok) throw StepFailed(fmt::format("{} live instance(s) registered after {} ms, expected {}",
                                          seen, timeout.count(), want));
}

void wait_entry(RunState& s, const Json& a, StepResult& out, milliseconds timeout) {
    std::string id = s.str(a, "registered"), state = s.str(a, "state", "present");
    Instance* inst = s.find_instance(id);
    std::string service = s.str(a, "service", inst ? inst->service : "");
    if (service.empty()) throw StepFailed("wait_for.registered needs 'service'");
    auto stale_after = std::chrono::duration_cast<std::chrono::seconds>(
        parse_duration(a.value("stale_after", Json("35s"))));
    if (stale_after.count() < 1) stale_after = std::chrono::seconds(1);
    registry::Registry reg(s.conn());
    // A read can fail while the connection is being re-established (nats-restart): retried.
    auto get = [&]() -> std::optional<registry::Listed> {
        try {
            return reg.get(service, id, stale_after);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    };
    auto first = get();
    std::string beat0 = first ? first->instance.last_heartbeat : "";
    std::string now_state = "absent";
    bool ok = s.wait_until([&] {
        auto e = get();
        now_state = !e ? "absent" : e->stale ? "stale" : "present";
        if (state == "heartbeat") return e && !beat0.empty() && e->instance.last_heartbeat != beat0;
        return now_state == state;
    }, timeout, milliseconds(50));
    out.title = fmt::format("wait for registry entry {} to be {}", id, state);
    if (state != "present" && state != "absent" && state != "stale" && state != "heartbeat")
        throw StepFailed("wait_for.state is present, absent, stale or heartbeat");
    if (!ok) throw StepFailed(fmt::format("entry {} still {} after {} ms", id, now_state,
                                          timeout.count()));
}

void step_wait_for(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto timeout = parse_duration(a.value("timeout", Json("10s")));
    auto t0 = Clock::now();
    if (a.contains("leader")) wait_leader(s, a, out, timeout);
    else if (a.contains("instances")) wait_instances(s, a, out, timeout);
    else if (a.contains("registered")) wait_entry(s, a, out, timeout);
    else throw StepFailed("wait_for needs 'leader', 'instances' or 'registered'");
    double ms = util::millis(Clock::now() - t0);
    s.record(out, s.str(a, "record", "wait_for"), "ms", ms);
    out.title += fmt::format(" in {:.0f} ms", ms);
}

bool compare(double x, const std::string& op, double y) {
    if (op == ">=") return x >= y;
    if (op == "<=") return x <= y;
    if (op == "==") return x == y;
    if (op == "!=") return x != y;
    if (op == ">") return x > y;
    return x < y;
}

void step_assert(RunState& s, const Json& raw, StepResult& out) {
    Json list = s.subst(raw.is_array() ? raw : Json::array({raw}));
    static const std::regex re(R"(^\s*([A-Za-z0-9_.\-]+)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9.eE+\-]+)\s*$)");
    std::vector<std::string> shown;
    for (const auto& e : list) {
        std::string text = e.is_string() ? e.get<std::string>() : e.dump();
        std::smatch m;
        if (!std::regex_match(text, m, re))
            throw StepFailed("'" + text + "' is not 'FIGURE OP NUMBER' (OP: >= <= == != > <)");
        auto it = s.figures.find(m[1]);
        if (it == s.figures.end()) {
            std::string known;
            for (const auto& [k, v] : s.figures) known += (known.empty() ? "" : ", ") + k;
            throw StepFailed("no figure '" + m[1].str() + "' was recorded (recorded: " +
                             (known.empty() ? "none" : known) + ")");
        }
        double want = std::stod(m[3]);
        shown.push_back(fmt::format("{} = {:g} {} {:g}", it->first, it->second, m[2].str(), want));
        if (!compare(it->second, m[2], want))
            throw StepFailed(fmt::format("{} is {:g}, expected {} {:g}", it->first, it->second,
                                         m[2].str(), want));
    }
    out.title = "assert " + fmt::format("{}", fmt::join(shown, "; "));
}

void step_leftovers(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw.is_null() ? Json::object() : raw);
    if (a.value("sweep", true))
        for (const auto& p : sweep(s)) out.message += p + "\n";
    auto left = leftovers(s);
    s.record(out, "leftovers", "count", static_cast<double>(left.size()));
    out.title = fmt::format("nothing of run {} left (processes, registry keys, buckets, streams, "
                            "consumers, messages)", s.run_id);
    if (!left.empty())
        throw StepFailed(fmt::format("{} left: {}", left.size(), fmt::join(left, "; ")));
}

}  // namespace

void step_check(RunState& s, const Json& raw, StepResult& out);  // steps_check.cpp

StepFn wait_step(const std::string& kind) {
    if (kind == "wait_for") return step_wait_for;
    if (kind == "assert") return step_assert;
    if (kind == "check") return step_check;
    if (kind == "leftovers") return step_leftovers;
    return nullptr;
}

}  // namespace aegis::scenario
