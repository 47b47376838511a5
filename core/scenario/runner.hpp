#pragma once
// Runs scenarios: requirements (skip with the reason), setup, steps (stopping at the first
// failure), cleanup (always, also after a failure or Ctrl-C), then the sweep of everything the
// run created. Live results go to RunOptions::on_step.
#include <string>
#include <vector>

#include "core/scenario/model.hpp"
#include "core/scenario/run_state.hpp"

namespace aegis::scenario {

// A fresh run id: 6 hex digits, part of every name the run gives a resource.
std::string new_run_id();
ScenarioResult run_scenario(const Scenario& scenario, const RunOptions& options);

// Which scenarios a selection names: NAMEs (built-in or from files), --tag, --all; UsageError
// for a name that does not exist (listing the known ones).
std::vector<const Scenario*> select_scenarios(const std::vector<Scenario>& available,
                                              const std::vector<std::string>& names,
                                              const std::vector<std::string>& tags, bool all);

}  // namespace aegis::scenario
