// `aegis failover --html`: the verdict (lost / duplicated calls, split brain), one timeline per
// trial and the spread of detection, election and first-success times, from the --json document.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/report/charts.hpp"
#include "core/report/html.hpp"
#include "core/report/reports_html.hpp"

namespace aegis::report {

namespace {

const char* const k_phase_keys[] = {"detect_ms", "elected_ms", "first_success_ms"};
const char* const k_phase_colors[] = {"#f9ab00", "#1a73e8", "#188038"};

std::string verdict(const Json& d) {
    const Json& s = d.value("summary", Json::object());
    bool ok = s.value("lost", 0) == 0 && s.value("duplicates", 0) == 0 &&
              s.value("split_brain", 0) == 0 && s.value("completed", 0) == s.value("trials", -1);
    std::string out = fmt::format("<p class=\"verdict {}\">{}</p>\n<table>\n", ok ? "pass" : "fail",
                                  ok ? "no call lost, none duplicated, one leader at a time"
                                     : "failover problems: see below");
    for (auto [label, key] : {std::pair{"trials", "trials"}, {"completed", "completed"},
                              {"calls", "calls"}, {"ok", "ok"}, {"retried", "retried"},
                              {"failed", "failed"}, {"lost", "lost"},
                              {"duplicated", "duplicates"}, {"split-brain answers", "split_brain"}})
        out += fmt::format("<tr><th>{}</th>{}</tr>\n", label,
                           json_cell(d, std::string("summary.") + key));
    out += "</table>\n";
    for (const auto& p : d.value("problems", Json::array()))
        if (p.is_string()) out += "<p class=\"fail\">" + html_escape(p.get<std::string>()) + "</p>\n";
    return out;
}

// One row per trial: a line from the kill (0 ms) to the first success, a dot per phase.
std::string timelines(const Json& d) {
    const Json& trials = d.value("trials", Json::array());
    double span = 1;
    for (const auto& t : trials)
        for (const char* k : k_phase_keys)
            if (t.contains(k) && t[k].is_number()) span = std::max(span, t[k].get<double>());
    constexpr int k_row = 26, k_left = 70, k_width = 760, k_right = 60;
    int height = 40 + k_row * static_cast<int>(trials.size()) + 24;
    double w = k_width - k_left - k_right;
    std::string svg = fmt::format(
        "<svg class=\"chart\" data-chart=\"timeline\" role=\"img\" aria-label=\"Trial timelines\" "
        "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        "<text class=\"title\" x=\"{2}\" y=\"18\">Each trial from the kill (0 ms) to the first "
        "success ({3:.0f} ms across)</text>\n", k_width, height, k_left, span);
    for (int i = 0; i < 3; ++i)
        svg += fmt::format("<circle cx=\"{}\" cy=\"30\" r=\"5\" fill=\"{}\"/><text class=\"legend\" "
                           "x=\"{}\" y=\"34\">{}</text>\n", k_left + i * 150, k_phase_colors[i],
                           k_left + i * 150 + 9, k_phase_keys[i]);
    for (size_t i = 0; i < trials.size(); ++i) {
        const Json& t = trials[i];
        int y = 52 + k_row * static_cast<int>(i);
        double end = 0;
        for (const char* k : k_phase_keys)
            if (t.contains(k) && t[k].is_number()) end = std::max(end, t[k].get<double>());
        svg += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">trial {}"
                           "</text><line data-series=\"trial\" x1=\"{}\" x2=\"{:.1f}\" y1=\"{}\" "
                           "y2=\"{}\" stroke=\"#9aa4b2\" stroke-width=\"2\"/>\n",
                           k_left - 10, y + 4, t.value("trial", 0), k_left, k_left + w * end / span,
                           y, y);
        for (int p = 0; p < 3; ++p) {
            const char* k = k_phase_keys[p];
            if (!t.contains(k) || !t[k].is_number()) continue;
            double v = t[k].get<double>();
            svg += fmt::format("<circle data-series=\"{}\" cx=\"{:.1f}\" cy=\"{}\" r=\"5\" "
                               "fill=\"{}\"><title>{} {} ms</title></circle>\n",
                               k, k_left + w * v / span, y, k_phase_colors[p], k, v);
        }
        if (!t.contains("first_success_ms") || !t["first_success_ms"].is_number())
            svg += fmt::format("<text class=\"tick fail\" x=\"{:.1f}\" y=\"{}\">no success</text>\n",
                               k_left + w * end / span + 8, y + 4);
    }
    return "<h2>Trials</h2>\n" + svg + "</svg>\n";
}

std::string trial_table(const Json& d) {
    std::string out = "<table><tr><th>trial</th><th>kill</th><th>old leader</th><th>new leader</th>"
                      "<th>detect ms</th><th>elected ms</th><th>first ok ms</th><th>calls</th>"
                      "<th>lost</th><th>dup</th></tr>\n";
    const Json& trials = d.value("trials", Json::array());
    for (size_t i = 0; i < trials.size(); ++i) {
        const Json& t = trials[i];
        auto name = [&](const char* k) {
            return t.contains(k) && t[k].is_string() ? html_escape(ellipsise(t[k].get<std::string>(), 40)) : "-";
        };
        std::string row = fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                                      t.value("trial", 0), name("kill"), name("old_leader"),
                                      name("new_leader"));
        for (const char* k : {"detect_ms", "elected_ms", "first_success_ms", "calls", "lost",
                              "duplicates"})
            row += json_cell(d, fmt::format("trials.{}.{}", i, k));
        out += row + "</tr>\n";
    }
    return out + "</table>\n";
}

std::string distribution(const Json& d) {
    std::vector<Series> series;
    for (int p = 0; p < 3; ++p) series.push_back({k_phase_keys[p], k_phase_colors[p], {}});
    std::string table = "<table><tr><th></th><th>n</th><th>min</th><th>p50</th><th>p90</th>"
                        "<th>max</th></tr>\n";
    for (int p = 0; p < 3; ++p) {
        std::string base = std::string("summary.") + k_phase_keys[p];
        const Json& q = json_at(d, base);
        table += fmt::format("<tr><th>{}</th>", k_phase_keys[p]);
        for (const char* k : {"n", "min", "p50", "p90", "max"}) {
            table += json_cell(d, base + "." + k);
            if (std::string(k) != "n") series[p].values.push_back(q.value(k, 0.0));
        }
        table += "</tr>\n";
    }
    ChartSpec spec{"Detection, election and first success across trials", "", "ms from the kill",
                   {"min", "p50", "p90", "max"}};
    return "<h2>Distribution</h2>\n" + bar_chart(spec, series) + table + "</table>\n";
}

}  // namespace

std::string failover_html(const Json& d) {
    std::string sub = fmt::format("group {}, {} calls/s to {}, kill: {}",
                                  d.value("group", ""), d.value("rate", 0.0),
                                  d.value("method", ""), d.value("kill", ""));
    return html_page("aegis failover " + d.value("service", ""), sub,
                     verdict(d) + timelines(d) + trial_table(d) + distribution(d), d);
}

}  // namespace aegis::report
