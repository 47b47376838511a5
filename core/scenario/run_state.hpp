#pragma once
// What the steps of one scenario run share: the connection, the run id and variables, the
// processes spawned and the figures recorded. Everything a run creates carries the run id in its
// name, which is how the sweep finds it.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/fault/proxy.hpp"
#include "core/scenario/model.hpp"
#include "core/scenario/pod_kill.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::scenario {

class LocalNats;
class NsCluster;

struct RunOptions {
    std::shared_ptr<nats::Connection> conn;
    std::string server;                   // URL spawned instances connect to
    std::string binary = "/proc/self/exe";  // the aegis executable `spawn: {demo: ...}` runs
    std::vector<std::string> spawn_args;  // --config / --context / --creds of the caller
    std::vector<std::pair<std::string, std::string>> spawn_env;  // more for every spawned one
    LocalNats* local = nullptr;           // set with --local: stop_server / restart_server
    // `requires: [netns]`: the namespaced cluster the run started (partition, heal, delay).
    NsCluster* cluster = nullptr;
    bool kubernetes = false;              // a cluster is configured (port-forward scenario)
    std::string kubernetes_reason;        // why not, for the skip message
    KubeTarget kube;                      // kubectl, context and namespace of kill_pod
    std::chrono::milliseconds timeout{180000};  // per scenario, unless it sets its own
    Json overrides = Json::object();      // --set NAME=VALUE
    bool keep_logs = false;
    std::function<void(const Scenario&, const std::string& run_id)> on_scenario;
    std::function<void(const StepResult&)> on_step;  // live output
};

// A step that did not hold: the runner records the message as the step's failure.
class StepFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class RunState;

struct Instance {
    std::string id, service, group, log;
    int index = 0;  // 1-based within its group
    pid_t pid = 0;
    bool running = true;
    // spawn with fault_proxy: the instance connects through it (partition, delay, heal).
    std::shared_ptr<fault::FaultProxy> proxy;
};

// The instance a kill, partition, delay or heal step names: `leader: SERVICE` (the lease holder
// now), `instance: ID`, or `group: NAME` + `index: N` (steps_process.cpp).
Instance* kill_target(RunState& s, const Json& a, std::string& what);

class RunState {
public:
    RunState(const RunOptions& options, const Scenario& scenario, std::string run_id);
    ~RunState();  // stops every process still running
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;

    const RunOptions& options;
    const Scenario& scenario;
    const std::string run_id;
    std::string log_dir;  // one <instance>.log per spawned process
    // Where spawned single-active instances record their history (AEGIS_HISTORY_FILE), checked
    // when the scenario ends.
    std::string history_file() const { return log_dir + "/history.jsonl"; }
    std::chrono::steady_clock::time_point deadline;
    std::map<std::string, Json> vars;
    std::map<std::string, double> figures;
    std::vector<Instance> instances;  // every process the run started
    // Stored subjects of the run that do not carry its id (a command's progress and callback
    // subjects are named by the command id): (stream, subject), purged by the sweep.
    std::vector<std::pair<std::string, std::string>> subjects;

    std::shared_ptr<nats::Connection> conn() const { return options.conn; }
    // ${name} replaced in every string of `v`; a string that is exactly "${name}" takes the
    // variable's value (a number stays a number). DataError for an unknown variable.
    Json subst(const Json& v) const;
    std::string str(const Json& args, const char* key, const std::string& def = {}) const;
    // Polls `done` every `step` until it holds (true), or the timeout, the scenario's deadline or
    // Ctrl-C comes first (false).
    bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                    std::chrono::milliseconds step = std::chrono::milliseconds(20)) const;
    bool out_of_time() const;
    Instance* find_instance(const std::string& id);
    std::vector<Instance*> group(const std::string& name);
    // Records figure `key` of the step under "<prefix>.<key>" for later asserts.
    void record(StepResult& r, const std::string& prefix, const std::string& key, double value);
    void stop_processes();
    std::string log_tail(const Instance& inst, size_t lines = 5) const;
};

using StepFn = void (*)(RunState&, const Json& args, StepResult& out);
// The implementation of a step kind (steps_*.cpp); nullptr for an unknown kind.
StepFn step_function(const std::string& kind);

}  // namespace aegis::scenario
