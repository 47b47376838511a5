#include "core/scenario/runner.hpp"
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/history/checker.hpp"
#include "core/netns/fabric.hpp"
#include "core/scenario/netns_run.hpp"
#include "core/scenario/sweep.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/util/text.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::scenario {

StepFn process_step(const std::string& kind);
StepFn rpc_step(const std::string& kind);
StepFn event_step(const std::string& kind);
StepFn wait_step(const std::string& kind);
StepFn failover_step(const std::string& kind);
StepFn fault_step(const std::string& kind);
StepFn k8s_step(const std::string& kind);

StepFn step_function(const std::string& kind) {
    for (auto f : {process_step, rpc_step, event_step, wait_step, failover_step, fault_step,
                   k8s_step})
        if (StepFn fn = f(kind)) return fn;
    return nullptr;
}

std::string new_run_id() { return util::random_hex(6); }

namespace {

using Clock = std::chrono::steady_clock;

StepResult run_step(RunState& s, const Step& step, const char* phase) {
    StepResult r;
    r.phase = phase;
    r.kind = step.kind;
    auto t0 = Clock::now();
    try {
        StepFn fn = step_function(step.kind);
        if (!fn) throw StepFailed("unknown step kind '" + step.kind + "'");
        fn(s, step.args, r);
        // A cleanup step after Ctrl-C is what the interrupt asked for, not its victim.
        if (util::stop_requested() && std::string(phase) != "cleanup")
            throw StepFailed("interrupted (Ctrl-C)");
        if (s.out_of_time()) throw StepFailed("the scenario ran out of time");
    } catch (const StepFailed& e) {
        r.status = Status::failed;
        r.message = e.what();
    } catch (const Error& e) {
        r.status = Status::failed;
        r.message = std::string(e.what()) + (e.hint().empty() ? "" : " (" + e.hint() + ")");
    } catch (const std::exception& e) {
        r.status = Status::failed;
        r.message = e.what();
    }
    if (r.title.empty()) r.title = step.kind;
    if (!step.name.empty()) r.title = step.name + " — " + r.title;
    if (r.status == Status::failed)
        r.message = fmt::format("{} (step at {}:{}:{})", r.message, step.file, step.line,
                                step.column);
    r.duration_ms = util::millis(Clock::now() - t0);
    if (s.options.on_step) s.options.on_step(r);
    return r;
}

// Runs a phase until a step fails; false when one did.
bool run_phase(RunState& s, const std::vector<Step>& steps, const char* phase,
               ScenarioResult& out) {
    for (const auto& step : steps) {
        out.steps.push_back(run_step(s, step, phase));
        if (out.steps.back().status == Status::failed) return false;
        if (util::stop_requested() && std::string(phase) != "cleanup") return false;
    }
    return true;
}

// What the run's single-active instances recorded, judged by the history checker: a step of
// its own when anything was recorded, failed by any finding.
void check_history(RunState& s, ScenarioResult& out) {
    auto t0 = Clock::now();
    auto h = history::read_history(s.history_file());
    if (h.lines == 0) return;
    auto v = history::check_history(h);
    StepResult r;
    r.phase = "cleanup";
    r.kind = "history";
    r.title = history::verdict_line(v);
    if (!v.ok()) {
        r.status = Status::failed;
        for (const auto& p : v.problems()) r.message += (r.message.empty() ? "" : "; ") + p;
    }
    r.figures = {{"history_ok", v.ok() ? 1.0 : 0.0},
                 {"history_executions", static_cast<double>(v.executions)},
                 {"history_overlaps", static_cast<double>(v.overlaps.count)},
                 {"history_stale", static_cast<double>(v.stale.count)},
                 {"history_lost_acks", static_cast<double>(v.lost_acks.count)},
                 {"history_duplicate_orders", static_cast<double>(v.duplicate_orders.count)}};
    r.duration_ms = util::millis(Clock::now() - t0);
    if (s.options.on_step) s.options.on_step(r);
    out.steps.push_back(r);
}

// The sweep as a step of its own, so a leftover fails the scenario visibly.
void finish(RunState& s, ScenarioResult& out) {
    auto t0 = Clock::now();
    StepResult r;
    r.phase = "cleanup";
    r.kind = "sweep";
    auto problems = sweep(s);
    out.leftovers = leftovers(s);
    r.title = fmt::format("remove what run {} created", s.run_id);
    if (!problems.empty() || !out.leftovers.empty()) {
        r.status = Status::failed;
        for (const auto& p : problems) r.message += p + "; ";
        for (const auto& p : out.leftovers) r.message += "left: " + p + "; ";
    }
    r.duration_ms = util::millis(Clock::now() - t0);
    if (s.options.on_step) s.options.on_step(r);
    out.steps.push_back(r);
}

std::string unmet(const Scenario& sc, const RunOptions& o) {
    for (const auto& r : sc.needs) {
        if (r == "local" && !o.local)
            return "needs a nats-server of its own to stop and restart: run with --local";
        if (r == "kubernetes" && !o.kubernetes) return o.kubernetes_reason;
        if (r == "netns")
            if (auto why = netns::unavailable_reason(); !why.empty())
                return "needs a cluster in network namespaces: " + why;
    }
    return {};
}

}  // namespace

ScenarioResult run_scenario(const Scenario& sc, const RunOptions& o) {
    ScenarioResult out;
    out.name = sc.name;
    out.description = sc.description;
    out.file = sc.file;
    out.run_id = new_run_id();
    out.started_at = wire::rfc3339_ms(std::chrono::system_clock::now());
    if (auto why = unmet(sc, o); !why.empty()) {
        out.status = Status::skipped;
        out.skip_reason = why;
        if (o.on_scenario) o.on_scenario(sc, out.run_id);
        return out;
    }
    if (o.on_scenario) o.on_scenario(sc, out.run_id);
    auto t0 = Clock::now();
    // Declared before the run state: the cluster outlives the processes and the connection.
    ScenarioCluster cluster;
    RunOptions ro = o;
    if (std::find(sc.needs.begin(), sc.needs.end(), "netns") != sc.needs.end()) {
        out.steps.push_back(cluster.start(ro));
        if (o.on_step) o.on_step(out.steps.back());
        if (out.steps.back().status == Status::failed) {  // nothing ran, nothing to sweep
            out.status = Status::failed;
            out.duration_ms = util::millis(Clock::now() - t0);
            return out;
        }
    }
    RunState s(ro, sc, out.run_id);
    bool ok = run_phase(s, sc.setup, "setup", out) && run_phase(s, sc.steps, "steps", out);
    ok = run_phase(s, sc.cleanup, "cleanup", out) && ok;
    if (ro.cluster) {
        try {
            heal_before_sweep(s);
        } catch (const std::exception& e) {
            StepResult r{.phase = "cleanup", .kind = "heal", .title = "heal every cut node",
                         .status = Status::failed, .message = e.what()};
            if (o.on_step) o.on_step(r);
            out.steps.push_back(r);
        }
    }
    try {
        check_history(s, out);
    } catch (const Error& e) {  // an unreadable file: said, not fatal to the run
        log::warn("the run's history could not be checked: {}", e.what());
    }
    finish(s, out);
    out.interrupted = util::stop_requested();
    for (const auto& st : out.steps) ok = ok && st.status != Status::failed;
    out.status = ok && !out.interrupted ? Status::passed : Status::failed;
    out.duration_ms = util::millis(Clock::now() - t0);
    std::error_code ec;
    if (out.status == Status::passed && !o.keep_logs)
        std::filesystem::remove_all(s.log_dir, ec);
    else
        out.log_dir = s.log_dir;  // kept for a look at what the instances said
    return out;
}

std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& available,
                                              const std::vector<std::string>& names,
                                              const std::vector<std::string>& tags, bool all) {
    std::vector<const Scenario*> out;
    auto add = [&](const Scenario* sc) {
        for (auto* x : out)
            if (x == sc) return;
        out.push_back(sc);
    };
    for (const auto& n : names) {
        const Scenario* hit = nullptr;
        for (const auto& sc : available)
            if (sc.name == n) hit = &sc;
        if (!hit) {
            std::string known;
            for (const auto& sc : available) known += (known.empty() ? "" : ", ") + sc.name;
            throw UsageError("no scenario named '" + n + "'", "known: " + known);
        }
        add(hit);
    }
    for (const auto& t : tags) {  // a tag nothing has is a typo, not "0 passed"
        std::set<std::string> known;
        for (const auto& sc : available) known.insert(sc.tags.begin(), sc.tags.end());
        if (known.count(t)) continue;
        std::string near = util::closest(t, known), list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw UsageError("no scenario is tagged '" + t + "'",
                         near.empty() ? "tags: " + list : "did you mean '" + near + "'?");
    }
    for (const auto& sc : available) {
        bool tagged = false;
        for (const auto& t : tags)
            for (const auto& st : sc.tags) tagged = tagged || t == st;
        if (all || tagged) add(&sc);
    }
    return out;
}

}  // namespace aegis::scenario
