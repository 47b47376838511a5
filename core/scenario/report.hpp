#pragma once
// What `aegis test` reports: the live line of a step, the summary table, JUnit XML (one
// testsuite per scenario, one testcase per step) and the --json document.
#include <string>
#include <vector>

#include "core/output/style.hpp"
#include "core/scenario/model.hpp"

namespace aegis::scenario {

// "  ✓ kill leader echo-single-3f2a1c-9b0e (SIGKILL) → new leader ... in 412 ms  (1.2 s)",
// with the failure message on the next line; control characters shown visibly.
std::string step_line(const StepResult& r, const output::Style& st);
std::string summary_table(const std::vector<ScenarioResult>& results, const output::Style& st);
// `error`, when set, is why the run could not go on (NATS unreachable, an invalid file): one more
// testsuite "aegis test" with one testcase holding it as an <error>, so CI sees the cause.
std::string junit_xml(const std::vector<ScenarioResult>& results, const std::string& error = {});
Json to_json(const std::vector<ScenarioResult>& results);
// XML text: the five entities escaped, characters XML 1.0 forbids shown as \xNN.
std::string xml_escape(std::string_view s);

}  // namespace aegis::scenario
