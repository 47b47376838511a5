// The inline SVG charts of the HTML reports. Coordinates are computed here; the browser only
// draws. Titles, labels and series names pass through html_escape.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/report/html.hpp"

namespace aegis::report {

namespace {

constexpr int k_left = 64, k_right = 16, k_top = 44, k_bottom = 40;

double nice_ceiling(double v) {
    if (!(v > 0)) return 1;
    double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (double s : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (s * mag >= v * (1 - 1e-9)) return s * mag;
    return 10 * mag;
}

std::string tick_label(double v) {
    if (v == 0) return "0";
    if (std::fabs(v) >= 1000) return fmt::format("{:.0f}", v);
    return fmt::format("{:.3g}", v);
}

struct Frame {
    const ChartSpec& spec;
    double y_max;
    double plot_w() const { return spec.width - k_left - k_right; }
    double plot_h() const { return spec.height - k_top - k_bottom; }
    double y_of(double v) const {
        return k_top + plot_h() * (1 - std::clamp(v / y_max, 0.0, 1.0));
    }
};

std::string open_svg(const ChartSpec& spec, const std::string& kind) {
    return fmt::format(
        "<svg class=\"chart\" data-chart=\"{}\" role=\"img\" aria-label=\"{}\" width=\"{}\" "
        "height=\"{}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
        "<text class=\"title\" x=\"{}\" y=\"18\">{}</text>\n",
        kind, html_escape(spec.title), spec.width, spec.height, spec.width, spec.height, k_left,
        html_escape(spec.title));
}

// Horizontal grid lines with their values, the axis labels, and the legend.
std::string axes(const Frame& f, const std::vector<Series>& series) {
    const auto& s = f.spec;
    std::string out;
    for (int i = 0; i <= 4; ++i) {
        double v = f.y_max * i / 4;
        double y = f.y_of(v);
        out += fmt::format("<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
                           "<text class=\"tick\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
                           k_left, s.width - k_right, y, y, k_left - 6, y + 4, tick_label(v));
    }
    out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                       k_left + f.plot_w() / 2, s.height - 6, html_escape(s.x_label));
    out += fmt::format("<text class=\"axis\" transform=\"translate(14,{}) rotate(-90)\" "
                       "text-anchor=\"middle\">{}</text>\n",
                       k_top + f.plot_h() / 2, html_escape(s.y_label));
    int x = s.width - k_right;
    for (auto it = series.rbegin(); it != series.rend(); ++it) {
        x -= static_cast<int>(it->name.size()) * 7 + 24;
        out += fmt::format("<rect x=\"{}\" y=\"24\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                           "<text class=\"legend\" x=\"{}\" y=\"33\">{}</text>\n",
                           x, it->color, x + 14, html_escape(it->name));
    }
    return out;
}

double largest(const std::vector<Series>& series) {
    double m = 0;
    for (const auto& s : series)
        for (double v : s.values) m = std::max(m, v);
    return m;
}

std::vector<double> thin(const std::vector<double>& v, size_t max_points) {
    if (v.size() <= max_points) return v;
    std::vector<double> out;
    for (size_t i = 0; i < max_points; ++i) {
        size_t from = i * v.size() / max_points, to = (i + 1) * v.size() / max_points;
        out.push_back(*std::max_element(v.begin() + static_cast<long>(from),
                                        v.begin() + static_cast<long>(std::max(to, from + 1))));
    }
    return out;
}

std::string x_ticks(const Frame& f, size_t n, bool centred) {
    const auto& t = f.spec.x_ticks;
    if (t.empty() || n == 0) return "";
    std::string out;
    size_t every = std::max<size_t>(1, t.size() / 10);  // at most about ten labels
    for (size_t i = 0; i < t.size(); i += every) {
        double x = centred ? k_left + f.plot_w() * (i + 0.5) / t.size()
                           : k_left + (t.size() > 1 ? f.plot_w() * i / (t.size() - 1) : 0);
        out += fmt::format("<text class=\"tick\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}"
                           "</text>\n", x, f.spec.height - k_bottom + 14, html_escape(t[i]));
    }
    return out;
}

}  // namespace

std::string line_chart(const ChartSpec& spec, const std::vector<Series>& series,
                       size_t max_points) {
    Frame f{spec, nice_ceiling(largest(series))};
    std::string out = open_svg(spec, "line") + axes(f, series);
    size_t n = 0;
    for (const auto& s : series) {
        auto v = thin(s.values, max_points);
        n = std::max(n, v.size());
        std::string pts;
        for (size_t i = 0; i < v.size(); ++i) {
            double x = k_left + (v.size() > 1 ? f.plot_w() * i / (v.size() - 1) : f.plot_w() / 2);
            pts += fmt::format("{}{:.1f},{:.1f}", i ? " " : "", x, f.y_of(v[i]));
        }
        out += fmt::format("<polyline data-series=\"{}\" data-points=\"{}\" fill=\"none\" "
                           "stroke=\"{}\" stroke-width=\"1.8\" points=\"{}\"/>\n",
                           html_escape(s.name), v.size(), s.color, pts);
    }
    return out + x_ticks(f, n, false) + "</svg>\n";
}

std::string bar_chart(const ChartSpec& spec, const std::vector<Series>& series) {
    Frame f{spec, nice_ceiling(largest(series))};
    std::string out = open_svg(spec, "bar") + axes(f, series);
    size_t groups = 0;
    for (const auto& s : series) groups = std::max(groups, s.values.size());
    if (groups == 0 || series.empty()) return out + "</svg>\n";
    double group_w = f.plot_w() / groups, bar_w = group_w * 0.8 / series.size();
    for (size_t k = 0; k < series.size(); ++k)
        for (size_t i = 0; i < series[k].values.size(); ++i) {
            double v = series[k].values[i];
            double y = f.y_of(v), x = k_left + group_w * i + group_w * 0.1 + bar_w * k;
            out += fmt::format("<rect data-series=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                               "height=\"{:.1f}\" fill=\"{}\"><title>{}</title></rect>\n",
                               html_escape(series[k].name), x, y, std::max(bar_w, 0.5),
                               k_top + f.plot_h() - y, series[k].color, tick_label(v));
        }
    return out + x_ticks(f, groups, true) + "</svg>\n";
}

std::string hbar_chart(const std::string& title, const std::vector<std::string>& labels,
                       const Series& series, int width) {
    constexpr int k_row = 22, k_label = 220;
    int height = k_top + k_row * static_cast<int>(labels.size()) + 8;
    ChartSpec spec{title, "", "", {}, width, height};
    std::string out = open_svg(spec, "hbar");
    double top = std::max(1.0, largest({series}));
    double room = width - k_label - 90;
    for (size_t i = 0; i < labels.size() && i < series.values.size(); ++i) {
        double v = series.values[i];
        int y = k_top + k_row * static_cast<int>(i);
        out += fmt::format("<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
                           "<rect data-series=\"{}\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" "
                           "fill=\"{}\"/><text class=\"tick\" x=\"{:.1f}\" y=\"{}\">{}</text>\n",
                           k_label - 8, y + 14, html_escape(labels[i]), html_escape(series.name),
                           k_label, y + 3, std::max(1.0, room * v / top), k_row - 6, series.color,
                           k_label + std::max(1.0, room * v / top) + 6, y + 14, tick_label(v));
    }
    return out + "</svg>\n";
}

}  // namespace aegis::report
