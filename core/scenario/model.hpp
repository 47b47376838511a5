#pragma once
// A scenario as loaded from YAML (docs/scenarios.md): named steps of known kinds, each keeping
// its arguments as JSON (variables are substituted when the step runs) and where it was written.
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::scenario {

struct Step {
    std::string kind;  // spawn, call, load, publish, expect_events, kill, ...
    std::string name;  // optional `name:` shown instead of the generated description
    Json args;         // the kind's value: a mapping, a scalar (sleep) or a list (assert, check)
    std::string file;
    int line = 0, column = 0;  // 1-based
};

struct Scenario {
    std::string name, description, file;
    std::vector<std::string> tags;
    // What the scenario needs to be meaningful: "local" (a server of its own, --local) or
    // "kubernetes" (a configured cluster). Without it the scenario is skipped with the reason.
    std::vector<std::string> needs;
    Json vars = Json::object();
    std::vector<Step> setup, steps, cleanup;
    std::chrono::milliseconds timeout{0};  // 0: the runner's default
    bool builtin = false;
};

enum class Status { passed, failed, skipped };
const char* status_name(Status s) noexcept;

struct StepResult {
    std::string phase;  // setup | steps | cleanup
    std::string kind;
    std::string title;    // "kill leader echo-single-…-3f2a → new leader …-9c01 in 412 ms"
    Status status = Status::passed;
    std::string message;  // why it failed (with the figures)
    double duration_ms = 0;
    std::map<std::string, double> figures;  // what the step recorded (also in the run's figures)
};

struct ScenarioResult {
    std::string name, description, file, run_id;
    Status status = Status::passed;
    std::string skip_reason;
    std::vector<StepResult> steps;
    double duration_ms = 0;
    bool interrupted = false;
    std::vector<std::string> leftovers;  // what the final sweep could not remove
    std::string started_at;            // RFC 3339 UTC
    std::string log_dir;               // the instances' logs, kept when the scenario failed
};

}  // namespace aegis::scenario
