#pragma once
// Reading scenarios: YAML text → Scenario, checked against the step schema (step_schema.hpp).
// Every problem is a DataError (exit 65) naming file, line and column: "f.yaml:12:7: ...".
#include <string>
#include <chrono>
#include <vector>

#include "core/scenario/model.hpp"

namespace aegis::scenario {

// One scenario per YAML document; a file holds one or several, separated by `---`.
std::vector<Scenario> load_scenarios(const std::string& text, const std::string& file);
// A user's file (-f): NoInputError (66) when it cannot be read.
std::vector<Scenario> load_scenario_file(const std::string& path);
// The scenarios built into the binary (scenarios/*.yaml at build time), in name order.
const std::vector<Scenario>& builtin_scenarios();

// "500ms", "2s", "1.5s", "1m" or a number of seconds; DataError otherwise.
std::chrono::milliseconds parse_duration(const Json& v);

}  // namespace aegis::scenario
