// `aegis failover`'s picture: each trial as a line from the kill to the first successful call,
// all on one scale. Leader ids are not drawn (the table above names them).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/output/style.hpp"
#include "core/report/picture.hpp"
#include "core/scenario/failover_run.hpp"

namespace aegis::report {

namespace {

struct Mark {
    std::optional<double> at;
    char letter;
};

std::string ms_of(const std::optional<double>& v) {
    return v ? fmt::format("{:.0f}", *v) : "-";
}

// "K───────D──E─S" for one trial over `cols` columns, `span` ms at the right edge.
std::string track(const scenario::TrialReport& t, double span, size_t cols, const Picture& p) {
    std::vector<std::string> cells(cols, " ");
    size_t end = 0;
    std::vector<Mark> marks{{0.0, 'K'}, {t.detect_ms, 'D'}, {t.elected_ms, 'E'},
                            {t.first_success_ms, 'S'}};
    auto col_of = [&](double ms) {
        return std::min(cols - 1, static_cast<size_t>(std::max(0.0, ms) / span * (cols - 1) + 0.5));
    };
    for (const auto& m : marks)
        if (m.at) end = std::max(end, col_of(*m.at));
    for (size_t c = 0; c <= end; ++c) cells[c] = p.glyphs.unicode ? "─" : "-";
    for (const auto& m : marks)
        if (m.at) cells[col_of(*m.at)] = p.style.bold(std::string(1, m.letter));
    if (!t.first_success_ms) cells[std::min(cols - 1, end + 1)] = p.style.red("?");
    std::string out;
    for (const auto& c : cells) out += c;
    return out;
}

}  // namespace

std::string failover_pictures(const scenario::FailoverReport& r, const Picture& p) {
    if (r.trials.empty()) return "";
    double span = 1;
    for (const auto& t : r.trials)
        for (const auto& v : {t.detect_ms, t.elected_ms, t.first_success_ms})
            if (v) span = std::max(span, *v);
    // "trial N   " (10), the track, and the figures (up to ~36) when there is room for them.
    bool figures = p.width >= 70;
    size_t cols = figures ? p.width - 48 : (p.width > 22 ? p.width - 12 : 10);
    std::string out =
        p.style.bold("timeline") +
        p.style.dim(figures ? fmt::format(" (K kill, D detected, E elected, S first success;"
                                          " {:.0f} ms across)", span)
                            : fmt::format(" (K, D, E, S; {:.0f} ms)", span)) + "\n";
    for (const auto& t : r.trials) {
        out += fmt::format("trial {:<3} {}", t.number, track(t, span, cols, p));
        if (figures)
            out += "  " + p.style.dim(fmt::format("D {1} {0} E {2} {0} S {3} ms", p.glyphs.unicode ? "·" : "|",
                                       ms_of(t.detect_ms), ms_of(t.elected_ms),
                                       ms_of(t.first_success_ms)));
        out += "\n";
    }
    return out;
}

}  // namespace aegis::report
