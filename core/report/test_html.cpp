// `aegis test --html`: every scenario and step with its status and duration, failures first,
// and the facts a JUnit reader shows (tests, failures, skipped, time), from the --json document.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/report/charts.hpp"
#include "core/report/html.hpp"
#include "core/report/reports_html.hpp"

namespace aegis::report {

namespace {

int rank(const std::string& status) {  // failures first, then passes, then skips
    return status == "failed" ? 0 : status == "passed" ? 1 : 2;
}

std::string status_cell(const std::string& s) {
    const char* cls = s == "failed" ? "fail" : s == "passed" ? "pass" : "skip";
    return fmt::format("<td class=\"{}\">{}</td>", cls, html_escape(s));
}

std::string text(const Json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

std::string junit_facts(const Json& d) {
    size_t tests = 0, failures = 0, skipped = 0;
    double ms = 0;
    for (const auto& s : d.value("scenarios", Json::array())) {
        ms += s.value("duration_ms", 0.0);
        for (const auto& st : s.value("steps", Json::array())) {
            ++tests;
            failures += text(st, "status") == "failed";
            skipped += text(st, "status") == "skipped";
        }
    }
    return fmt::format("<table><tr><th>scenarios passed</th>{}</tr><tr><th>failed</th>{}</tr>"
                       "<tr><th>skipped</th>{}</tr></table>\n"
                       "<p>JUnit: {} tests (steps), {} failures, {} skipped, time {:.3f} s</p>\n",
                       json_cell(d, "passed"), json_cell(d, "failed"), json_cell(d, "skipped"),
                       tests, failures, skipped, ms / 1000);
}

std::string scenario_section(const Json& d, size_t i) {
    const Json& s = d["scenarios"][i];
    std::string out = fmt::format("<h2>{} <span class=\"{}\">{}</span></h2>\n",
                                  html_escape(text(s, "name")),
                                  rank(text(s, "status")) == 0 ? "fail" : "pass",
                                  html_escape(text(s, "status")));
    if (!text(s, "skip_reason").empty())
        out += "<p class=\"skip\">" + html_escape(text(s, "skip_reason")) + "</p>\n";
    out += fmt::format("<table><tr><th>duration ms</th>{}</tr></table>\n",
                       json_cell(d, fmt::format("scenarios.{}.duration_ms", i)));
    out += "<table><tr><th>phase</th><th>step</th><th>status</th><th>ms</th><th>message</th></tr>\n";
    const Json& steps = s.value("steps", Json::array());
    for (size_t k = 0; k < steps.size(); ++k) {
        const Json& st = steps[k];
        std::string message = text(st, "message");
        out += fmt::format("<tr><td>{}</td><td>{}</td>{}{}<td>{}</td></tr>\n",
                           html_escape(text(st, "phase")), html_escape(text(st, "title")),
                           status_cell(text(st, "status")),
                           json_cell(d, fmt::format("scenarios.{}.steps.{}.duration_ms", i, k)),
                           message.empty() ? "" : "<pre>" + html_escape(message) + "</pre>");
    }
    return out + "</table>\n";
}

}  // namespace

std::string test_html(const Json& d) {
    const Json& list = d.value("scenarios", Json::array());
    std::vector<size_t> order(list.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return rank(text(list[a], "status")) < rank(text(list[b], "status"));
    });
    bool ok = d.value("failed", 0) == 0;
    std::string body = fmt::format("<p class=\"verdict {}\">{}</p>\n", ok ? "pass" : "fail",
                                   ok ? "all scenarios passed" : "scenarios failed") +
                       junit_facts(d);
    std::vector<std::string> labels;
    Series ms{"duration ms", "#1a73e8", {}};
    for (size_t i : order) {
        labels.push_back(ellipsise(text(list[i], "name"), 32) + " (" + text(list[i], "status") + ")");
        ms.values.push_back(list[i].value("duration_ms", 0.0));
    }
    if (!labels.empty()) body += hbar_chart("Scenario durations (ms), failures first", labels, ms);
    for (size_t i : order) body += scenario_section(d, i);
    return html_page("aegis test", fmt::format("{} scenario{}", list.size(),
                                               list.size() == 1 ? "" : "s"), body, d);
}

}  // namespace aegis::report
