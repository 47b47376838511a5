#include "core/scenario/failover_run.hpp"
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "core/client/leaders.hpp"
#include "core/client/presence.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/scenario/failover_audit.hpp"
#include "core/scenario/failover_calls.hpp"
#include "core/scenario/failover_cut.hpp"
#include "core/scenario/failover_faults.hpp"
#include "core/scenario/failover_fleet.hpp"
#include "core/scenario/failover_method.hpp"
#include "core/scenario/failover_watch.hpp"
#include "core/service/history_recorder.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/util/duration.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct Run {
    const FailoverOptions& o;
    std::shared_ptr<nats::Connection> conn;
    LeaseObserver observer;
    CallDriver driver;
    ExecutionLog executions;
    std::vector<TrialWindow> windows;
    FailoverReport report;
};

// Sleeps until `t`; false when a stop (Ctrl-C) was requested.
bool sleep_until(Mono t) {
    while (Clock::now() < t) {
        if (util::stop_requested()) return false;
        std::this_thread::sleep_for(std::min<Clock::duration>(t - Clock::now(), milliseconds(10)));
    }
    return !util::stop_requested();
}

// The first successful reply at or after `trigger` from anyone but `old`.
std::optional<Reply> await_new_leader(Run& r, Mono trigger, const std::string& old) {
    auto deadline = trigger + r.o.max_wait;
    while (Clock::now() < deadline && !util::stop_requested()) {
        if (auto s = r.driver.first_success_after(trigger, old)) return s;
        std::this_thread::sleep_for(milliseconds(5));
    }
    return std::nullopt;
}

// Closes a trial: traffic continues until the trial's duration is over and the new leader has
// served for `settle`.
void close_trial(Run& r, TrialWindow w, const std::optional<Reply>& first, Mono min_end) {
    Mono after = (first ? first->at : Clock::now()) + r.o.settle;
    w.end = std::max(min_end, after);
    sleep_until(w.end);
    w.end = std::min(w.end, Clock::now());
    if (first)
        log::info("trial {}: '{}' → '{}': first success {:.0f} ms after the {}", w.number,
                  w.old_leader, first->instance, util::millis(first->at - w.trigger),
                  w.kill == "external" ? "old leader's last reply" : "fault");
    else if (!w.expect_failover)
        log::info("trial {}: '{}' kept its lease through the fault", w.number, w.old_leader);
    else
        r.report.problems.push_back(fmt::format("trial {}: no other instance answered within {} ms",
                                                w.number, r.o.max_wait.count()));
    r.windows.push_back(std::move(w));
}

// A leader of the group that is alive (renewed in the last 5 s: every policy renews far more
// often) — spawned instances would only stand by behind it.
std::optional<std::string> live_leader(Run& r) {
    for (const auto& l : client::read_leaders(r.conn, r.o.service))
        if (l.group == r.o.group && l.lease_age_s(std::chrono::system_clock::now()) < 5.0)
            return l.instance_id;
    return std::nullopt;
}

void refuse_foreign_leader(Run& r) {
    if (r.o.take_over) return;
    auto leader = live_leader(r);
    if (!leader) return;
    throw UnavailableError(
        fmt::format("'{}' already has a leader this run did not start ('{}'): spawned instances "
                    "would only stand by behind it",
                    r.o.service, *leader),
        fmt::format("measure the running group instead: 'aegis failover {0}' and stop its leader "
                    "yourself; or add --take-over to spawn anyway and wait for it to stop; or "
                    "spawn under a free name: 'aegis failover {0}-fo --spawn {1}'",
                    r.o.service, r.o.spawn));
}

void drive(Run& r, const std::string& method) {
    r.report.method = method;
    r.driver.set_method(method);
    r.driver.start();
}

// A run calling a method the service does not have makes no successful call, and would wait
// out every trial to say so: the method is checked against (or, not given, chosen from) what
// the service announces first. False while no instance answers $SRV.INFO.
bool start_driving(Run& r) {
    auto m = choose_failover_method(*r.conn, r.o.service, r.o.method, r.o.method_hint);
    if (!m) return false;
    if (r.o.method.empty()) log::info("driving '{}', the exclusive method of '{}'", *m, r.o.service);
    drive(r, *m);
    return true;
}

// Why a leader of the group is not one of ours: with --spawn-cmd, most likely our own child
// under an id of its own choosing.
std::string foreign_leader_hint(const Run& r) {
    if (r.o.spawn_command.empty()) return "stop it, or measure that group without --spawn";
    return "if it is one of the spawned instances, '" + r.o.spawn_command.front() +
           "' does not take the id it is given: aegis::quick_setup programs take "
           "AEGIS_INSTANCE_ID; others need --instance-id {id} in --spawn-cmd";
}

std::string last_call_error(const Run& r) {
    auto calls = r.driver.snapshot();
    for (auto it = calls.rbegin(); it != calls.rend(); ++it)
        if (!it->last_error.empty()) return it->last_error;
    return "";
}

[[noreturn]] void no_serving_leader(const Run& r, const Fleet& fleet, milliseconds wait) {
    auto h = r.observer.holder();
    if (h && !fleet.ours(*h))
        throw UnavailableError(
            fmt::format("'{}' is still led by '{}', which this run did not start", r.o.service, *h),
            foreign_leader_hint(r));
    std::string secs = std::to_string(wait.count() / 1000);
    if (!h)
        throw UnavailableError("the spawned instances did not elect a leader within " + secs +
                                   " s",
                               "see their logs in " + fleet.options().log_dir);
    std::string error = last_call_error(r);
    throw UnavailableError(
        fmt::format("the spawned leader '{}' answered no call to '{}.{}' within {} s{}", *h,
                    r.o.service, r.report.method, secs, error.empty() ? "" : ": " + error),
        "see their logs in " + fleet.options().log_dir);
}

void await_spawned_leader(Run& r, const Fleet& fleet) {
    auto wait = r.o.take_over ? std::max<milliseconds>(r.o.max_wait, std::chrono::seconds(20))
                              : milliseconds(std::chrono::seconds(20));
    auto deadline = Clock::now() + wait;
    std::string told;
    bool driving = false;
    std::optional<Mono> ours_since, foreign_since;
    while (Clock::now() < deadline && !util::stop_requested()) {
        auto h = r.observer.holder();
        auto s = r.driver.last_success();
        if (driving && h && fleet.ours(*h) && s && s->instance == *h) return;
        if (!driving && h && fleet.ours(*h)) {  // one of ours leads: it announces its methods
            if (!ours_since) ours_since = Clock::now();
            driving = start_driving(r);
            if (!driving && Clock::now() - *ours_since > std::chrono::seconds(3)) {
                drive(r, unchecked_failover_method(r.o.method));  // no $SRV.INFO at all
                driving = true;
            }
        }
        // A leader none of ours that renews its lease, when none led before the spawn: with
        // --spawn-cmd, our own child under an id of its choosing. Said after 3 s, not 20.
        if (h && !fleet.ours(*h) && *h == told && !r.o.take_over && !r.o.spawn_command.empty() &&
            Clock::now() - *foreign_since > std::chrono::seconds(3)) {
            if (live_leader(r) == h) no_serving_leader(r, fleet, wait);
            foreign_since = Clock::now();
        }
        if (h && !fleet.ours(*h) && *h != told) {
            told = *h;
            foreign_since = Clock::now();
            log::warn("the leader '{}' was not started by this run: waiting up to {} s for it to "
                      "stop ({})",
                      *h, std::chrono::duration_cast<std::chrono::seconds>(wait).count(),
                      foreign_leader_hint(r));
        }
        std::this_thread::sleep_for(milliseconds(20));
    }
    if (!util::stop_requested()) no_serving_leader(r, fleet, wait);
}

void await_registered(Run& r, registry::Registry& reg, const std::string& id) {
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < deadline && !util::stop_requested()) {
        try {
            if (reg.get(r.o.service, id)) return;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(milliseconds(20));
    }
    log::warn("replacement instance '{}' did not register within 10 s", id);
}

// A leader killed with SIGKILL cannot deregister: its registry entry would stay behind, listed
// as a stale leader by explore, monitor and validate after the run. The process is gone (reaped),
// so the entry is removed for it, as a clean stop would have done.
void forget_killed(registry::Registry& reg, const std::string& service, const std::string& id) {
    try {
        reg.remove(service, id);
    } catch (const std::exception& e) {
        log::debug("could not remove the registry entry of killed instance '{}': {}", id, e.what());
    }
}

// A random extra 0–500 ms puts the kill at a random point of the leader's renewal cycle;
// without it, trials phase-lock onto the cycle and measure one point of it every time.
bool sleep_to_kill(Run& r, const TrialWindow& w) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    auto jitter = milliseconds(std::uniform_int_distribution<int>(0, 499)(rng));
    return sleep_until(w.start + r.o.kill_after + jitter);
}

// Waits up to 5 s after the heal for the old leader's own LeaderLost to arrive: it is back on
// NATS and knows it is a standby (nothing to wait for when it kept the lease).
void await_rejoin(Run& r, const TrialWindow& w) {
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline && !util::stop_requested()) {
        if (r.observer.holder() == w.old_leader) return;
        for (const auto& e : r.observer.events())
            if (e.kind == LeaseEvent::Kind::lost_event && e.own && e.instance == w.old_leader &&
                e.arrived >= w.trigger)
                return;
        std::this_thread::sleep_for(milliseconds(20));
    }
    log::warn("trial {}: the old leader '{}' did not report its lost lease within 5 s of the heal",
              w.number, w.old_leader);
}

// A cut trial: freeze or cut off the leader for a while, measure the failover, heal, and watch
// the old leader come back as a standby (it stays in the fleet).
bool cut_trial(Run& r, Fleet& fleet, TrialWindow& w, const std::string& fault) {
    auto length = pick_fault_length(r.o);
    w.expect_failover = failover_expected(r.o, fault, length);
    log::info("trial {}/{}: {} on the leader '{}' (pid {}) for {} ms", w.number, r.o.trials, fault,
              w.old_leader, fleet.pid(w.old_leader), length.count());
    w.trigger = Clock::now();
    w.trigger_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    begin_fault(fleet, w.old_leader, r.o, fault, length);
    const Mono heal_at = w.trigger + length;
    const Mono deadline = w.trigger + std::max<milliseconds>(r.o.max_wait, length);
    std::optional<Reply> first;
    while (Clock::now() < deadline && !util::stop_requested()) {
        Mono now = Clock::now();
        if (!w.heal && now >= heal_at) {  // a network fault heals itself then; SIGCONT a stop
            end_fault(fleet, w.old_leader, fault);
            w.heal = now;
        }
        if (!first) first = r.driver.first_success_after(w.trigger, w.old_leader);
        if (first && w.heal) break;
        // A fault that need not cost the lease: once healed, the old leader may simply keep it.
        if (!first && w.heal && !w.expect_failover && now > *w.heal + milliseconds(1000) &&
            r.observer.holder() == w.old_leader)
            break;
        std::this_thread::sleep_for(milliseconds(5));
    }
    if (!w.heal) {
        end_fault(fleet, w.old_leader, fault);
        w.heal = Clock::now();
    }
    // A half-open connection loses what the old leader said on it: no LeaderLost to wait for.
    if (first && fault != "slow-close") await_rejoin(r, w);
    close_trial(r, w, first, std::max(w.start + r.o.duration, *w.heal + r.o.settle));
    return first.has_value() || !w.expect_failover;
}

// One trial: steady traffic, kill the leader, wait for a new one, replace the killed instance.
bool spawned_trial(Run& r, Fleet& fleet, registry::Registry& reg, int n) {
    const std::string fault = effective_fault(r.o);
    TrialWindow w;
    w.number = n;
    w.kill = r.o.fault.empty() ? r.o.kill : fault;
    w.start = Clock::now();
    if (!sleep_to_kill(r, w)) return false;
    auto old = r.observer.holder();
    if (!old || !fleet.ours(*old)) {
        r.report.problems.push_back(fmt::format(
            "trial {}: the leader '{}' was not started by this run", n, old.value_or("none")));
        return false;
    }
    w.old_leader = *old;
    if (is_cut_fault(fault)) return cut_trial(r, fleet, w, fault);
    int sig = fault == "term" ? SIGTERM : SIGKILL;
    log::info("trial {}/{}: {} to the leader '{}' (pid {})", n, r.o.trials,
              sig == SIGKILL ? "SIGKILL" : "SIGTERM", *old, fleet.pid(*old));
    w.trigger = Clock::now();
    fleet.signal(*old, sig);
    auto first = await_new_leader(r, w.trigger, *old);
    close_trial(r, w, first, w.start + r.o.duration);
    fleet.reap(*old, milliseconds(5000));
    forget_killed(reg, r.o.service, *old);
    if (n < r.o.trials && !util::stop_requested()) await_registered(r, reg, fleet.spawn());
    return first.has_value();
}

milliseconds retry_budget(const FailoverOptions& o) {
    milliseconds total = o.attempt_timeout;
    for (int n = 1; n < o.retry.attempts; ++n)
        total += o.attempt_timeout + o.retry.delay_before(n, 1.0);
    return std::min<milliseconds>(total, std::chrono::seconds(30));
}

// Lets calls that are still retrying finish, within the retry budget, unless the user stops us.
void await_calls(Run& r) {
    auto deadline = Clock::now() + retry_budget(r.o);
    while (!util::stop_requested() && Clock::now() < deadline)
        if (r.driver.wait_idle(milliseconds(50))) return;
}

// The orders the order demo holds at the end, as the history's final listing: an order whose
// write landed although its writer gave up waiting (its lease ran out) is then not taken for
// lost when a retry found it and acknowledged it.
void record_final_orders(Run& r, const std::string& history_file) {
    if (r.o.demo != "order" || !r.o.spawn_command.empty() || history_file.empty()) return;
    std::string bucket = r.o.service;
    for (char& c : bucket)
        if (c == '-') c = '_';
    try {
        auto kv = nats::KeyValue::open(r.conn, bucket + "_orders");
        // The checker takes a final listing as the whole truth, so it names every order the
        // callers were told of that the store holds (not the whole bucket: earlier runs'
        // orders would not fit the history's bound on a line, 1 MiB).
        std::set<std::string> keys;
        for (auto& k : kv.keys())
            if (k.rfind("order.", 0) == 0) keys.insert(k.substr(6));
        std::set<std::string> acked;
        for (const auto& a : history::read_history(history_file).acks)
            if (a.service == r.o.service && keys.count(a.order_id)) acked.insert(a.order_id);
        Json line{{"kind", "final"},
                  {"service", r.o.service},
                  {"order_ids", Json(acked)},
                  {"t_us", service::history_now_us()}};
        if (line.dump().size() >= 1000000) {
            log::warn("the order listing is too long for the history ({} orders): an order "
                      "whose writer gave up and whose write landed may be counted as lost",
                      acked.size());
            return;
        }
        service::HistoryRecorder::for_path(history_file)->record(line);
    } catch (const std::exception& e) {
        log::warn("could not list the orders for the history: {}", e.what());
    }
}

void run_spawned(Run& r) {
    namespace fs = std::filesystem;
    refuse_foreign_leader(r);
    std::string dir = (fs::temp_directory_path() / "aegis-failover-XXXXXX").string();
    if (!mkdtemp(dir.data()))
        throw IoError("cannot create a log directory in " + fs::temp_directory_path().string());
    FleetOptions fo;
    fo.binary = r.o.binary;
    fo.server = r.o.server;
    fo.extra_args = r.o.spawn_args;
    fo.demo = r.o.demo;
    fo.service = r.o.service;
    fo.policy = r.o.policy;
    fo.log_dir = dir;
    fo.proxied = is_network_fault(effective_fault(r.o));
    if (!r.o.spawn_command.empty()) {
        fo.command = r.o.spawn_command;
        fo.env = r.o.spawn_env;
    }
    // Spawned instances report every exclusive call they start: duplicates on the service side.
    fo.env.emplace_back(wire::k_audit_env, r.executions.start());
    // ... and record their executions and lease events, and we our acknowledged calls, in one
    // history for the checker.
    if (r.report.history_file.empty())
        r.report.history_file = (fs::path(dir) / "history.jsonl").string();
    fo.env.emplace_back(service::k_history_env, r.report.history_file);
    r.driver.record_to(service::HistoryRecorder::for_path(r.report.history_file));
    Fleet fleet(fo);
    registry::Registry reg(r.conn);
    if (fo.command.empty())
        log::info("starting {} × 'aegis demo {}' (policy {}, logs in {})", r.o.spawn, r.o.demo,
                  r.o.policy, dir);
    else
        log::info("starting {} × '{}' (logs in {})", r.o.spawn, fo.command.front(), dir);
    for (int i = 0; i < r.o.spawn; ++i) fleet.spawn();
    r.observer.start(std::chrono::seconds(15));
    try {
        await_spawned_leader(r, fleet);
    } catch (const DataError&) {  // no such method: nothing ran that its logs could explain
        fleet.stop_all();
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        throw;
    }
    for (int n = 1; n <= r.o.trials && !util::stop_requested(); ++n)
        if (!spawned_trial(r, fleet, reg, n)) break;
    r.driver.stop_issuing();
    await_calls(r);  // calls still retrying need the instances
    record_final_orders(r, r.report.history_file);
    fleet.stop_all();
    r.report.log_dir = dir;
}

// The group's leader, once it has answered a call (the trial's "before" state).
std::optional<std::string> await_serving_leader(Run& r) {
    auto deadline = Clock::now() + r.o.max_wait;
    while (Clock::now() < deadline && !util::stop_requested()) {
        auto h = r.observer.holder();
        auto s = r.driver.last_success();
        if (h && s && s->instance == *h) return h;
        std::this_thread::sleep_for(milliseconds(20));
    }
    return std::nullopt;
}

// One trial in a cluster: delete the leader's pod (Kubernetes starts another), measure.
bool pod_trial(Run& r, int n) {
    TrialWindow w;
    w.number = n;
    w.kill = r.o.kill;
    w.start = Clock::now();
    if (!sleep_to_kill(r, w)) return false;
    auto old = await_serving_leader(r);
    if (!old) {
        r.report.problems.push_back(fmt::format("trial {}: no leader answered", n));
        return false;
    }
    auto pod = pod_of_instance(r.conn, r.o.service, *old, r.o.kube.default_namespace);
    w.old_leader = *old;
    log::info("trial {}/{}: deleting pod '{}' of the leader '{}'", n, r.o.trials, pod.pod, *old);
    w.trigger = Clock::now();
    delete_pod(r.o.kube, pod, r.o.kill == "crash");
    auto first = await_new_leader(r, w.trigger, *old);
    close_trial(r, w, first, w.start + r.o.duration);
    return first.has_value();
}

void run_k8s(Run& r) {
    r.observer.start(milliseconds(2000));
    if (!start_driving(r)) drive(r, unchecked_failover_method(r.o.method));
    if (!await_serving_leader(r))
        throw UnavailableError(fmt::format("no leader of '{}' answered within {} s", r.o.service,
                                           r.o.max_wait.count() / 1000),
                               "is the service running in the cluster? 'aegis explore " +
                                   r.o.service + "'");
    for (int n = 1; n <= r.o.trials && !util::stop_requested(); ++n)
        if (!pod_trial(r, n)) break;
    r.driver.stop_issuing();
}

void run_external(Run& r) {
    r.observer.start(milliseconds(2000));
    if (!start_driving(r)) drive(r, unchecked_failover_method(r.o.method));
    log::info("driving '{}.{}' at {}/s; waiting up to {} s for {} failover(s)", r.o.service,
              r.report.method, r.o.rate, r.o.duration.count() / 1000, r.o.trials);
    auto deadline = Clock::now() + r.o.duration;
    Mono window_start = Clock::now();
    auto current = r.observer.holder();
    int n = 0;
    while (n < r.o.trials && Clock::now() < deadline && !util::stop_requested()) {
        auto h = r.observer.holder();
        if (current && h != current) {
            TrialWindow w;
            w.number = ++n;
            w.kill = "external";
            w.start = window_start;
            w.old_leader = *current;
            auto last = r.driver.last_success_from(*current, Clock::now());
            w.trigger = last ? last->at : Clock::now();
            auto first = await_new_leader(r, w.trigger, *current);
            close_trial(r, w, first, w.trigger);
            window_start = r.windows.back().end;
            current = r.observer.holder();
            continue;
        }
        if (!current) current = h;
        std::this_thread::sleep_for(milliseconds(10));
    }
    if (n == 0 && !util::stop_requested())
        r.report.problems.push_back("no failover was observed within " +
                                    std::to_string(r.o.duration.count() / 1000) + " s");
    r.driver.stop_issuing();
}

}  // namespace

void check_failover_names(const FailoverOptions& o) {
    // No method: the service's exclusive one, chosen once an instance announces it.
    wire::require_rpc_names(o.service, o.method.empty() ? "echo" : o.method);
    wire::leader_key(o.service, o.group);  // the group goes into the leader key
}

FailoverReport run_failover(const std::shared_ptr<nats::Connection>& conn,
                            const FailoverOptions& o) {
    check_failover_names(o);
    if (o.trials < 1) throw UsageError("--trials must be at least 1");
    if (o.spawn < 0 || o.spawn > 20) throw UsageError("--spawn must be 0–20");
    // --spawn 1 is refused by the command; the scenario step allows it to show that a group
    // without a standby does not fail over.
    if (o.kill != "crash" && o.kill != "stop") throw UsageError("--kill must be crash or stop");
    const std::string fault = effective_fault(o);
    if (o.spawn == 0 && !o.fault.empty())
        throw UsageError("--fault needs --spawn N: faults are made on instances this run starts");
    if (is_cut_fault(fault) && (o.fault_min.count() <= 0 || o.fault_max < o.fault_min))
        throw UsageError("the fault duration must be positive (MIN or MIN-MAX seconds)");
    DriverOptions d;
    d.service = o.service;
    d.method = o.method;
    d.params = o.params;
    d.rate = o.rate;
    d.timeout = o.attempt_timeout;
    d.retry = o.retry;
    Run r{o, conn, LeaseObserver(conn, o.service, o.group), CallDriver(conn, d),
          ExecutionLog(conn), {}, {}};
    r.report.service = o.service;
    r.report.group = o.group;
    r.report.method = o.method;
    if (o.k8s && o.spawn > 0) throw UsageError("--k8s and --spawn exclude each other");
    r.report.mode = o.spawn > 0 ? "spawn" : o.k8s ? "k8s" : "external";
    r.report.kill = o.spawn > 0 ? (o.fault.empty() ? o.kill : fault) : o.k8s ? o.kill : "external";
    r.report.fault = o.spawn > 0 ? fault : o.k8s ? "pod-delete" : "external";
    r.report.policy = o.spawn > 0 && o.spawn_command.empty() ? o.policy : "";
    r.report.instances = o.spawn;
    r.report.rate = o.rate;
    if (!o.history_file.empty()) {
        r.report.history_file = o.history_file;
        r.driver.record_to(service::HistoryRecorder::for_path(o.history_file));
    }
    if (o.spawn > 0)
        run_spawned(r);
    else if (o.k8s)
        run_k8s(r);
    else
        run_external(r);
    r.report.interrupted = util::stop_requested();
    await_calls(r);
    r.driver.stop();
    r.observer.stop();
    r.executions.stop();
    auto calls = r.driver.snapshot();
    auto events = r.observer.events();
    auto runs = r.executions.records();
    for (const auto& w : r.windows)
        r.report.trials.push_back(analyse_trial(w, calls, events, runs));
    if (!r.report.history_file.empty()) {
        auto h = history::read_history(r.report.history_file);
        r.report.history = history::check_history(h);
        apply_leader_spans(r.report.trials, r.windows, history::leader_spans(h));
    }
    r.report.summary = summarise(r.report.trials);
    bool keep = o.keep_logs || !r.report.problems.empty() || r.report.summary.lost > 0 ||
                r.report.summary.split_brain > 0 || (r.report.history && !r.report.history->ok());
    if (!r.report.log_dir.empty() && !keep) {
        std::error_code ec;
        std::filesystem::remove_all(r.report.log_dir, ec);
        r.report.log_dir.clear();
        if (o.history_file.empty()) r.report.history_file.clear();  // it was in log_dir
    }
    return std::move(r.report);
}

Json to_json(const FailoverReport& r) {
    Json trials = Json::array();
    for (const auto& t : r.trials) trials.push_back(to_json(t));
    return Json{{"service", r.service},
                {"group", r.group},
                {"method", r.method},
                {"mode", r.mode},
                {"kill", r.kill},
                {"fault", r.fault},
                {"policy", r.policy.empty() ? Json() : Json(r.policy)},
                {"instances", r.instances},
                {"rate", r.rate},
                {"trials", trials},
                {"summary", to_json(r.summary)},
                {"problems", r.problems},
                {"interrupted", r.interrupted},
                {"log_dir", r.log_dir.empty() ? Json() : Json(r.log_dir)},
                {"history", r.history ? history::to_json(*r.history) : Json()},
                {"history_file", r.history_file.empty() ? Json() : Json(r.history_file)}};
}

}  // namespace aegis::scenario
