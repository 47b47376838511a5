// aegis::testing::run_scenario: a user's scenario through the runner of `aegis test`, with the
// user's program as ${program}, on a server of the run's own unless one is given.
#include <fmt/format.h>
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/include/aegis/testing.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/runner.hpp"
#include "core/service/quick_setup.hpp"
#include "core/testing/access.hpp"
#include "core/util/process.hpp"

namespace aegis::testing {

namespace {

bool is_file_name(const std::string& s) {
    return s.find('\n') == std::string::npos && (s.ends_with(".yaml") || s.ends_with(".yml"));
}

std::vector<scenario::Scenario> load(const std::string& path_or_yaml) {
    if (is_file_name(path_or_yaml)) return scenario::load_scenario_file(path_or_yaml);
    return scenario::load_scenarios(path_or_yaml, "<inline scenario>");
}

StepResult step_of(const scenario::StepResult& s) {
    return {s.phase, s.kind, s.title, s.status != scenario::Status::failed, s.message,
            s.duration_ms, s.figures};
}

ScenarioResult result_of(const scenario::ScenarioResult& r) {
    ScenarioResult out{r.name, scenario::status_name(r.status), r.skip_reason, {}, r.duration_ms,
                       r.log_dir};
    for (const auto& s : r.steps) out.steps.push_back(step_of(s));
    return out;
}

scenario::RunOptions run_options(const ScenarioOptions& o, const std::string& server,
                                 scenario::LocalNats* local) {
    scenario::RunOptions r;
    r.server = server;
    r.local = local;
    r.conn = connect_nats(server, "aegis-testing");
    // `spawn: {demo: ...}` runs the aegis tool (the test program itself is no aegis).
    std::string aegis = util::find_in_path("aegis");
    r.binary = aegis.empty() ? "aegis" : aegis;
    r.spawn_env = o.env;
    r.timeout = o.timeout;
    r.keep_logs = o.keep_logs;
    if (!o.program.empty()) r.overrides["program"] = o.program;
    for (const auto& [k, v] : o.vars) r.overrides[k] = v;
    r.kubernetes_reason = "aegis::testing runs against a local server, not a cluster";
    return r;
}

}  // namespace

TestResults run_scenario(const std::string& path_or_yaml, const ScenarioOptions& o) {
    auto scenarios = load(path_or_yaml);  // bad YAML throws before a server starts
    std::optional<LocalNats> own;
    LocalNats* local = o.local;
    if (o.server.empty() && !local) local = &own.emplace();
    std::string server = o.server.empty() ? local->url() : o.server;
    auto options = run_options(o, server, local ? &Access::server(*local) : nullptr);
    TestResults out;
    for (const auto& sc : scenarios) out.scenarios.push_back(result_of(scenario::run_scenario(sc, options)));
    return out;
}

bool TestResults::ok() const {
    if (scenarios.empty()) return false;
    for (const auto& s : scenarios)
        if (!s.ok()) return false;
    return true;
}

std::vector<std::string> TestResults::failures() const {
    std::vector<std::string> out;
    for (const auto& sc : scenarios) {
        if (sc.status == "skipped") out.push_back(sc.name + ": skipped: " + sc.skip_reason);
        for (const auto& st : sc.steps)
            if (!st.passed) out.push_back(sc.name + ": " + st.title + " — " + st.message);
    }
    return out;
}

std::string TestResults::report() const {
    std::string out;
    for (const auto& sc : scenarios) {
        out += fmt::format("{} {} ({:.0f} ms)\n", sc.ok() ? "✓" : "✗", sc.name, sc.duration_ms);
        for (const auto& st : sc.steps)
            out += fmt::format("  {} {} ({:.0f} ms){}\n", st.passed ? "✓" : "✗", st.title,
                               st.duration_ms, st.passed ? "" : "\n      " + st.message);
        if (!sc.log_dir.empty()) out += "  logs: " + sc.log_dir + "\n";
    }
    return out;
}

// The last step's value, as `assert` sees a figure recorded twice.
double TestResults::figure(const std::string& name) const {
    double found = std::nan("");
    for (const auto& sc : scenarios)
        for (const auto& st : sc.steps)
            for (const auto& [k, v] : st.figures)
                if (k == name || st.kind + "." + k == name) found = v;
    return found;
}

}  // namespace aegis::testing
