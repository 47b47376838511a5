#pragma once
// `aegis failover SERVICE`: drive open-model exclusive calls at a single-active service, make
// (--spawn, --k8s) or wait for (external) leader failovers, and measure each one
// (failover_analysis.hpp defines the figures).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/sticky_retry.hpp"
#include "core/history/checker.hpp"
#include "core/scenario/failover_analysis.hpp"
#include "core/scenario/pod_kill.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::scenario {

struct FailoverOptions {
    std::string service;
    std::string group = "default";
    // Empty: the service's exclusive method, as it announces it (failover_method.hpp).
    std::string method;
    // Said when the service does not announce `method` (checked before the first kill).
    std::string method_hint = "choose one with --method";
    Json params = Json{{"message", "failover-probe"}};
    double rate = 50;
    // With spawn: how long each trial drives calls (the kill comes kill_after + a random
    // 0–500 ms into it; a trial lasts longer while no new leader has answered). Without: the
    // whole run.
    std::chrono::milliseconds duration{3000};
    int trials = 1;
    int spawn = 0;  // 0: wait for external failovers
    std::string demo = "echo-single";
    std::string kill = "crash";  // crash (SIGKILL) | stop (SIGTERM): the older spelling of fault
    // kill (SIGKILL) | term (SIGTERM) | stop (SIGSTOP, SIGCONT at the heal) | partition |
    // latency | flap | slow-close (through a fault proxy per instance, core/fault/); empty: as
    // `kill` says. Every fault but kill and term lasts a random time in
    // [fault_min, fault_max] and then heals: the old leader comes back (failover_cut.cpp).
    std::string fault;
    std::chrono::milliseconds fault_min{2000}, fault_max{2000};
    std::chrono::milliseconds latency{200}, jitter{0};    // --fault latency
    std::chrono::milliseconds flap_cut{1000}, flap_heal{500};  // --fault flap: one cycle
    std::string policy = "balanced";
    std::chrono::milliseconds kill_after{1000};
    std::chrono::milliseconds settle{500};      // traffic after the new leader's first success
    std::chrono::milliseconds max_wait{30000};  // for a new leader, per trial
    std::chrono::milliseconds attempt_timeout{1000};
    RetryPolicy retry;
    std::string binary = "/proc/self/exe";
    std::string server;  // for spawned instances
    // More arguments for every spawned instance (the caller's --config, --context, --creds), so
    // that they connect the way the caller does.
    std::vector<std::string> spawn_args;
    // Spawn this command (argv, never through a shell; {id} and {n} replaced) instead of
    // `aegis demo <demo>`; it gets its connection settings from `spawn_env` and its instance id
    // from AEGIS_INSTANCE_ID (failover_fleet.hpp).
    std::vector<std::string> spawn_command;
    std::vector<std::pair<std::string, std::string>> spawn_env;
    bool keep_logs = false;
    // With spawn, when a live leader this run did not start holds the group: false = say so and
    // stop at once; true = spawn anyway and wait (max_wait) for that leader to go away (stopped
    // by its owner), then measure the spawned instances.
    bool take_over = false;
    // The history file (core/service/history_recorder.hpp) the run checks: acknowledged calls
    // are appended to it, and at the end the checker reads it. Empty: with spawn, history.jsonl
    // in the run's log directory (the instances get it as AEGIS_HISTORY_FILE); without, none.
    // Given without spawn, the instances someone else runs should record to the same file.
    std::string history_file;
    // Kubernetes (spawn 0): each trial deletes the leader's pod (found from its registry
    // metadata) with kubectl — --force for crash, the grace period for stop — and measures.
    bool k8s = false;
    KubeTarget kube;
};

struct FailoverReport {
    std::string service, group, mode, kill, policy, method;
    std::string fault;  // kill | term | stop | partition | latency | flap | slow-close | external
    int instances = 0;
    double rate = 0;
    std::vector<TrialReport> trials;
    FailoverSummary summary;
    std::string log_dir;  // set when the instances' logs were kept
    bool interrupted = false;
    std::vector<std::string> problems;  // e.g. a trial without a new leader
    // With spawn: the history checker's verdict on what the instances and the calls recorded
    // (AEGIS_HISTORY_FILE in the run's log directory); a failed verdict keeps that directory.
    std::optional<history::Verdict> history;
    std::string history_file;  // set while the file is kept
};

// Throws InvalidNameError when the service, method or group cannot be part of a subject or key
// (run_failover checks them first; the command checks them before it connects).
void check_failover_names(const FailoverOptions& o);
// The fault a run makes (kill, term, ...: `fault`, or what the older `kill` says); UsageError for
// an unknown one.
std::string effective_fault(const FailoverOptions& o);
FailoverReport run_failover(const std::shared_ptr<nats::Connection>& conn,
                            const FailoverOptions& options);
Json to_json(const FailoverReport& r);

}  // namespace aegis::scenario
