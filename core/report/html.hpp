#pragma once
// The pieces of a self-contained HTML report: escaping, inline SVG charts drawn here in C++ (no
// script needed to see them, nothing fetched at view time), number cells tied to the JSON they
// came from, and the page around them with that JSON embedded for tools to re-read.
// Every string that came from the network (service names, instance ids, error text) is hostile:
// it reaches the page only through html_escape (text and attributes) or the embedded JSON
// (where '<', '>' and '&' are written as \u escapes, so no "</script>" can end the block).
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::report {

std::string html_escape(std::string_view text);
// `doc` as JSON text safe inside <script type="application/json">.
std::string script_json(const Json& doc);

// A number as the JSON document has it ("1.234", "42"), in a cell the browser test can find:
// <td class="num" data-json="latency_ms.p99">1.234</td>. `path` is dot-separated.
std::string json_cell(const Json& doc, const std::string& path, const std::string& unit = {});
// The value at a dot-separated path (numbers index arrays); null when absent.
const Json& json_at(const Json& doc, const std::string& path);

struct Series {
    std::string name;   // shown in the legend, and data-series="name" on its <polyline>/<rect>s
    std::string color;  // a CSS colour of ours, never remote text
    std::vector<double> values;
};

struct ChartSpec {
    std::string title, x_label, y_label;
    std::vector<std::string> x_ticks;  // labels under the bars / at the ends of the lines
    int width = 760, height = 240;
    bool log_y = false;
};

// Lines over x = 0..n-1 (long series are thinned to at most `max_points` by taking the
// largest of each group, so a spike survives).
std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series,
                       size_t max_points = 600);
// Vertical bars, one group per x tick, one bar per series in each group.
std::string bar_chart(const ChartSpec& spec, const std::vector<Series>& series);
// Horizontal bars: one row per label (labels escaped here).
std::string hbar_chart(const std::string& title, const std::vector<std::string>& labels,
                       const Series& series, int width = 760);

// The page: a header, `body` (already HTML), the embedded JSON under id "aegis-report", and a
// short script of ours that checks the numbers on the page against that JSON and says so in
// #aegis-check (the browser test reads it).
std::string html_page(const std::string& title, const std::string& subtitle,
                      const std::string& body, const Json& doc);

}  // namespace aegis::report
