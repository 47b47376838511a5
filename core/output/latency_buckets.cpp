#include "core/output/latency_buckets.hpp"

#include <cmath>

namespace aegis::report {

namespace {

constexpr double k_steps[] = {1, 1.5, 2, 3, 5, 7};

// The largest edge of the sequence at or below `v` (v > 0).
double edge_at_or_below(double v) {
    double decade = std::pow(10.0, std::floor(std::log10(v)));
    double best = decade;
    for (double s : k_steps)
        if (s * decade <= v * (1 + 1e-9)) best = s * decade;
    return best;
}

double next_edge(double e) {
    double decade = std::pow(10.0, std::floor(std::log10(e) + 1e-9));
    for (double s : k_steps)
        if (s * decade > e * (1 + 1e-9)) return s * decade;
    return 10 * decade;
}

double round_sig(double v) {  // 1.5000000001e-3 → 0.0015: edges print as they are meant
    if (v <= 0) return v;
    double mag = std::pow(10.0, std::floor(std::log10(v)) - 3);
    return std::round(v / mag) * mag;
}

}  // namespace

std::vector<Bucket> log_buckets(const util::Histogram& h, double divisor, size_t max_buckets) {
    std::vector<Bucket> out;
    if (h.empty()) return out;
    double lo = std::max(h.min() / divisor, 1e-3), hi = h.max() / divisor;
    double e = edge_at_or_below(lo);
    uint64_t below = 0;  // everything under the first edge (zeros) counts in the first bucket
    while (true) {
        double n = next_edge(e);
        uint64_t upto = h.count_below(n * divisor);
        out.push_back({round_sig(e), round_sig(n), upto - below});
        below = upto;
        if (n > hi) break;
        e = n;
    }
    out.back().count += h.count() - below;  // the slowest call sits in the last bucket
    while (out.size() > max_buckets) {
        std::vector<Bucket> merged;
        for (size_t i = 0; i < out.size(); i += 2) {
            Bucket b = out[i];
            if (i + 1 < out.size()) b.to = out[i + 1].to, b.count += out[i + 1].count;
            merged.push_back(b);
        }
        out.swap(merged);
    }
    return out;
}

Json to_json(const std::vector<Bucket>& buckets) {
    Json out = Json::array();
    for (const auto& b : buckets)
        out.push_back({{"from_ms", b.from}, {"to_ms", b.to}, {"count", b.count}});
    return out;
}

}  // namespace aegis::report
