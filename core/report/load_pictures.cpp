// `aegis load`'s pictures: the latency histogram as bars and the per-second series as
// sparklines, drawn from the report (the same numbers --json prints).
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/load/engine.hpp"
#include "core/output/terminal.hpp"
#include "core/report/picture.hpp"

namespace aegis::report {

namespace {

std::string edge(double ms) {
    if (ms >= 100) return fmt::format("{:.0f}", ms);
    if (ms >= 1) return fmt::format("{:.3g}", ms);
    return fmt::format("{:.3g}", ms);
}

std::string histogram_bars(const load::LoadReport& r, const Picture& p) {
    uint64_t top = 0, total = 0;
    for (const auto& b : r.histogram_ms) top = std::max(top, b.count), total += b.count;
    if (top == 0) return "";
    const auto& st = p.style;
    std::string out = st.bold("latency") + st.dim(" (ms, log-scaled)") + "\n";
    // "  0.15 – 0.2    ████▌            1,234  12.3%": labels, the bar, the count.
    // 16 columns of label, 2 of gap, the bar, 17 of count and share.
    constexpr size_t k_fixed = 16 + 2 + 17;
    size_t bar_w = p.width > k_fixed + 4 ? p.width - k_fixed : 4;
    for (const auto& b : r.histogram_ms) {
        std::string label = fmt::format("{:>7} – {:<6}", edge(b.from), edge(b.to));
        if (!p.glyphs.unicode) label = fmt::format("{:>7} - {:<6}", edge(b.from), edge(b.to));
        std::string bar = report::bar(static_cast<double>(b.count) / top, bar_w, p.glyphs);
        size_t pad = bar_w - output::display_width(bar);
        out += fmt::format("{}  {}{}{:>10} {:>5.1f}%\n", label, st.cyan(bar), std::string(pad, ' '),
                           b.count, 100.0 * b.count / total);
    }
    return out;
}

std::string series_line(const char* name, const std::vector<double>& v, const std::string& note,
                        const Picture& p) {
    size_t room = p.width > 40 ? p.width - 36 : 4;
    return fmt::format("{:<11}", name) + p.style.cyan(sparkline(v, room, p.glyphs)) + "  " +
           p.style.dim(note) + "\n";
}

}  // namespace

std::string load_pictures(const load::LoadReport& r, const Picture& p) {
    std::string out = histogram_bars(r, p);
    if (r.timeline.size() < 2) return out;
    std::vector<double> rps, p99, errs;
    for (const auto& s : r.timeline) {
        rps.push_back(static_cast<double>(s.ok + s.errors));
        p99.push_back(s.p99_ms);
        errs.push_back(static_cast<double>(s.errors));
    }
    auto [lo, hi] = std::minmax_element(rps.begin(), rps.end());
    double p99_max = *std::max_element(p99.begin(), p99.end());
    size_t n = r.timeline.size();
    size_t cols = std::min(n, p.width > 40 ? p.width - 36 : 4);
    double per = static_cast<double>(n) / static_cast<double>(cols);
    out += "\n" + p.style.bold("per second") +
           p.style.dim(per <= 1 ? fmt::format(" ({} s, a column each)", n)
                                : fmt::format(" ({} s, {:.1f} s a column)", n, per)) +
           "\n";
    const char* dash = p.glyphs.unicode ? "–" : "-";
    out += series_line("throughput", rps, fmt::format("{:.0f}{}{:.0f}/s", *lo, dash, *hi), p);
    out += series_line("p99", p99, fmt::format("max {:.2f} ms", p99_max), p);
    if (*std::max_element(errs.begin(), errs.end()) > 0)
        out += series_line("errors", errs,
                           fmt::format("max {:.0f}/s", *std::max_element(errs.begin(), errs.end())),
                           p);
    return out;
}

}  // namespace aegis::report
