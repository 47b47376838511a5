#include "core/load/schedule.hpp"
#include <optional>
#include <vector>
#include <string>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::load {

namespace {
constexpr double k_inf = std::numeric_limits<double>::infinity();
}

double Segment::rate_at(double t) const {
    if (!std::isfinite(length_s) || length_s <= 0) return from_rps;
    return from_rps + (to_rps - from_rps) * (t - start_s) / length_s;
}

Schedule Schedule::constant(double rps, double duration_s) {
    Schedule s;
    s.m_segments.push_back({0, duration_s, rps, rps});
    return s;
}

Schedule Schedule::ramp(double from_rps, double to_rps, double duration_s) {
    Schedule s;
    s.m_segments.push_back({0, duration_s, from_rps, to_rps});
    return s;
}

Schedule Schedule::steps(const std::vector<std::pair<double, double>>& steps) {
    Schedule s;
    double t = 0;
    for (auto [rps, len] : steps) {
        s.m_segments.push_back({t, len, rps, rps});
        t += len;
    }
    return s;
}

// Cuts the segments at AT and AT+FOR and replaces what lies between with a constant RATE.
void Schedule::add_spike(double rps, double at_s, double for_s) {
    double base_end = length_s();
    if (at_s >= base_end) throw UsageError("--spike starts after the end of the run");
    double end = std::min(at_s + for_s, base_end);
    for_s = end - at_s;
    std::vector<Segment> out;
    for (const auto& g : m_segments) {
        double g_end = g.start_s + g.length_s;
        if (g.start_s < at_s) {
            double e = std::min(g_end, at_s);
            out.push_back({g.start_s, e - g.start_s, g.from_rps, g.rate_at(e)});
        }
        if (g_end > end) {
            double b = std::max(g.start_s, end);
            out.push_back({b, g_end - b, g.rate_at(b), g.to_rps});
        }
    }
    out.push_back({at_s, for_s, rps, rps});
    std::sort(out.begin(), out.end(),
              [](const Segment& a, const Segment& b) { return a.start_s < b.start_s; });
    m_segments = std::move(out);
}

double Schedule::rate_at(double t) const {
    for (const auto& g : m_segments)
        if (t >= g.start_s && t < g.start_s + g.length_s) return g.rate_at(t);
    return 0;
}

double Schedule::length_s() const {
    double end = 0;
    for (const auto& g : m_segments) end = std::max(end, g.start_s + g.length_s);
    return end;
}

double Schedule::peak_rps() const {
    double p = 0;
    for (const auto& g : m_segments) p = std::max({p, g.from_rps, g.to_rps});
    return p;
}

// Call k is due where the area under the rate reaches k. Each segment solves its own quadratic
// from its start (no accumulated rounding), so a constant 200/s for 4 s is exactly 800 calls.
std::optional<double> Pacer::next() {
    const auto& segs = m_schedule.segments();
    while (m_segment < segs.size()) {
        const Segment& g = segs[m_segment];
        double need = static_cast<double>(m_k) - m_area_before;
        double r = g.from_rps;
        double slope = std::isfinite(g.length_s) && g.length_s > 0
                           ? (g.to_rps - g.from_rps) / g.length_s : 0;
        double d = k_inf;
        if (std::abs(slope) < 1e-12) {
            if (r > 0) d = need / r;
        } else {
            double disc = r * r + 2 * slope * need;
            if (disc >= 0) d = (-r + std::sqrt(disc)) / slope;
            if (d < 0) d = k_inf;
        }
        if (std::isfinite(d) && d < g.length_s) {
            ++m_k;
            return g.start_s + d;
        }
        if (!std::isfinite(g.length_s)) return std::nullopt;
        m_area_before += (g.from_rps + g.to_rps) / 2 * g.length_s;
        ++m_segment;
    }
    return std::nullopt;
}

namespace {

// A duration in the schedule syntax, through the one parser every duration option uses.
double seconds_of(const std::string& text, const char* flag, const util::SecondsRange& range = {}) {
    return static_cast<double>(util::parse_seconds(text, flag, range).count()) / 1000.0;
}

double parse_rate(const std::string& text, const char* flag) {
    size_t used = 0;
    double v = -1;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || !std::isfinite(v) || v < 0 || v > 1e7)
        throw UsageError(std::string(flag) + " '" + text +
                         "' is not a rate (calls per second, 0 to 10,000,000)");
    return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t b = 0;
    for (size_t e; (e = s.find(sep, b)) != std::string::npos; b = e + 1) out.push_back(s.substr(b, e - b));
    out.push_back(s.substr(b));
    return out;
}

}  // namespace

std::pair<double, double> parse_ramp(const std::string& text) {
    auto parts = split(text, ':');
    if (parts.size() != 2) throw UsageError("--ramp '" + text + "' is not FROM:TO (e.g. 10:500)");
    return {parse_rate(parts[0], "--ramp"), parse_rate(parts[1], "--ramp")};
}

std::vector<std::pair<double, double>> parse_steps(const std::string& text,
                                                   std::optional<double> duration_s) {
    std::vector<std::pair<double, double>> out;
    auto items = split(text, ',');
    bool explicit_len = text.find(':') != std::string::npos;
    for (const auto& item : items) {
        auto parts = split(item, ':');
        if (parts.size() != (explicit_len ? 2u : 1u))
            throw UsageError("--steps '" + text +
                             "': give every step as RATE or every step as RATE:DURATION");
        double len = explicit_len ? seconds_of(parts[1], "--steps") : 0;
        if (explicit_len && len <= 0) throw UsageError("--steps: a step lasts more than 0 s");
        out.emplace_back(parse_rate(parts[0], "--steps"), len);
    }
    if (!explicit_len) {
        if (!duration_s || !std::isfinite(*duration_s) || *duration_s <= 0)
            throw UsageError("--steps RATE,RATE,... needs --duration (or give RATE:DURATION)");
        for (auto& s : out) s.second = *duration_s / static_cast<double>(out.size());
    }
    return out;
}

Spike parse_spike(const std::string& text) {
    auto at = text.find('@');
    auto slash = text.find('/', at == std::string::npos ? 0 : at);
    if (at == std::string::npos || slash == std::string::npos)
        throw UsageError("--spike '" + text + "' is not RATE@AT/FOR (e.g. 1000@5s/2s)");
    Spike s;
    s.rps = parse_rate(text.substr(0, at), "--spike");
    s.at_s = seconds_of(text.substr(at + 1, slash - at - 1), "--spike",
                        {0.001, 7 * 24 * 3600.0, true});
    s.for_s = seconds_of(text.substr(slash + 1), "--spike");
    if (s.for_s <= 0) throw UsageError("--spike: FOR must be more than 0 s");
    return s;
}

}  // namespace aegis::load
