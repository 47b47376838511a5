// `aegis load --html`: facts, latency over time, throughput, the histogram, errors by class and
// the spread over instances, all from the --json document.
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/report/charts.hpp"
#include "core/report/html.hpp"
#include "core/report/reports_html.hpp"

namespace aegis::report {

namespace {

std::string fact_row(const Json& d, const char* label, const std::string& path,
                     const std::string& unit = {}) {
    return fmt::format("<tr><th>{}</th>{}</tr>\n", label, json_cell(d, path, unit));
}

std::string facts(const Json& d) {
    std::string t = "<table class=\"facts\">\n";
    t += fact_row(d, "requests sent", "requests") + fact_row(d, "ok", "ok") +
         fact_row(d, "failed", "failed") + fact_row(d, "error rate", "error_rate") +
         fact_row(d, "throughput", "throughput_rps", "/s") +
         fact_row(d, "duration", "duration_ms", "ms");
    t += "</table>\n<table class=\"latency\"><tr><th>latency ms</th>";
    const char* keys[] = {"min", "p50", "p90", "p99", "p999", "max", "mean"};
    for (const char* k : keys) t += fmt::format("<th>{}</th>", k);
    t += "</tr><tr><td></td>";
    for (const char* k : keys) t += json_cell(d, std::string("latency_ms.") + k);
    return t + "</tr></table>\n";
}

std::string over_time(const Json& d) {
    const Json& tl = d.value("timeline", Json::array());
    if (tl.empty()) return "<p>No per-second timeline (the run was shorter than a second).</p>\n";
    Series p50{"p50", "#1a73e8", {}}, p99{"p99", "#d93025", {}}, max{"max", "#f9ab00", {}};
    Series ok{"ok", "#188038", {}}, errors{"errors", "#d93025", {}};
    std::vector<std::string> ticks;
    for (const auto& row : tl) {
        p50.values.push_back(row.value("p50_ms", 0.0));
        p99.values.push_back(row.value("p99_ms", 0.0));
        max.values.push_back(row.value("max_ms", 0.0));
        ok.values.push_back(row.value("ok", 0.0));
        errors.values.push_back(row.value("errors", 0.0));
        ticks.push_back(std::to_string(row.value("second", 0)));
    }
    ChartSpec lat{"Latency per second", "second of the run", "ms", ticks};
    ChartSpec thr{"Calls completed per second", "second of the run", "calls/s", ticks};
    return "<h2>Over time</h2>\n" + line_chart(lat, {p50, p99, max}) +
           line_chart(thr, {ok, errors});
}

std::string histogram_section(const Json& d) {
    const Json& h = d.value("histogram", Json::array());
    if (h.empty()) return "";
    Series calls{"calls", "#1a73e8", {}};
    std::vector<std::string> ticks;
    for (const auto& b : h) {
        calls.values.push_back(b.value("count", 0.0));
        ticks.push_back(fmt::format("{:g}", b.value("from_ms", 0.0)));
    }
    ChartSpec spec{"Latency histogram (log-scaled buckets, lower edge in ms)", "ms", "calls",
                   ticks};
    return "<h2>Latency histogram</h2>\n" + bar_chart(spec, {calls});
}

std::string errors_and_spread(const Json& d) {
    std::string out = "<h2>Errors by class</h2>\n";
    std::vector<std::string> labels;
    Series n{"errors", "#d93025", {}};
    const Json& e = d.value("errors", Json::object());
    for (const char* k : {"timeout", "no_responders", "not_active", "overloaded", "shutting_down",
                          "other"})
        if (e.value(k, 0) > 0) labels.push_back(k), n.values.push_back(e.value(k, 0.0));
    const Json remote = e.value("remote", Json::object());  // items() must not outlive it
    for (const auto& [code, count] : remote.items())
        labels.push_back("remote " + ellipsise(code, 40)), n.values.push_back(count.get<double>());
    out += labels.empty() ? "<p class=\"pass\">No errors.</p>\n"
                          : hbar_chart("Failed calls by class", labels, n);
    out += "<h2>Spread over instances</h2>\n";
    labels.clear();
    Series served{"calls", "#188038", {}};
    const Json by = d.value("by_instance", Json::object());
    for (const auto& [id, count] : by.items())
        labels.push_back(ellipsise(id, 32)), served.values.push_back(count.get<double>());
    return out + (labels.empty() ? "<p>No instance reported its id.</p>\n"
                                 : hbar_chart("Calls answered per instance", labels, served));
}

std::string thresholds(const Json& d) {
    const Json& th = d.value("thresholds", Json::array());
    if (th.empty()) return "";
    std::string out = "<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>limit</th>"
                      "<th>measured</th><th></th></tr>\n";
    for (size_t i = 0; i < th.size(); ++i) {
        bool ok = th[i].value("ok", false);
        out += fmt::format("<tr><td>--{}</td>{}{}<td class=\"{}\">{}</td></tr>\n",
                           html_escape(th[i].value("threshold", "")),
                           json_cell(d, fmt::format("thresholds.{}.limit", i)),
                           json_cell(d, fmt::format("thresholds.{}.value", i)),
                           ok ? "pass" : "fail", ok ? "ok" : "BROKEN");
    }
    return out + "</table>\n";
}

}  // namespace

std::string load_html(const Json& d) {
    std::string who = d.value("service", "") + "." + d.value("method", "");
    std::string model = d.value("model", "") == "open"
                            ? fmt::format("open model, target {}/s", d.value("target_rps", 0.0))
                            : fmt::format("closed model, {} in flight", d.value("concurrency", 0));
    bool passed = d.value("passed", true) && d.value("ok", 0) > 0;
    std::string body = fmt::format("<p class=\"verdict {}\">{}</p>\n", passed ? "pass" : "fail",
                                   passed ? "passed" : "failed") +
                       facts(d) + thresholds(d) + over_time(d) + histogram_section(d) +
                       errors_and_spread(d);
    return html_page("aegis load " + who, model, body, d);
}

}  // namespace aegis::report
