#include "core/util/histogram.hpp"
#include <vector>

#include <algorithm>
#include <bit>
#include <cmath>

namespace aegis::util {

namespace {
constexpr uint64_t k_sub = uint64_t{1} << Histogram::k_sub_bits;  // 128
constexpr size_t k_buckets = (64 - Histogram::k_sub_bits) * k_sub + k_sub;  // 7,424
}  // namespace

Histogram::Histogram(double ticks_per_unit)
    : m_scale(ticks_per_unit > 0 ? ticks_per_unit : 1.0), m_counts(k_buckets, 0) {}

// Values below 2·128 index themselves; a value v in [2^m, 2^(m+1)) with m ≥ 7 falls in the
// bucket (m−7)·128 + (v >> (m−7)), i.e. 128 buckets of width 2^(m−7) per power of two.
size_t Histogram::index_of(uint64_t v) noexcept {
    if (v < 2 * k_sub) return static_cast<size_t>(v);
    int m = 63 - std::countl_zero(v);
    int shift = m - k_sub_bits;
    return static_cast<size_t>(shift) * k_sub + static_cast<size_t>(v >> shift);
}

uint64_t Histogram::low_of(size_t i) noexcept {
    if (i < 2 * k_sub) return i;
    size_t shift = i / k_sub - 1;
    return static_cast<uint64_t>(i - shift * k_sub) << shift;
}

uint64_t Histogram::high_of(size_t i) noexcept {
    if (i < 2 * k_sub) return i;
    size_t shift = i / k_sub - 1;
    uint64_t width = uint64_t{1} << shift;
    return low_of(i) + (width - 1);
}

void Histogram::record(double value) {
    double t = std::round(value * m_scale);
    if (!(t > 0)) t = 0;  // negatives and NaN
    if (t >= 1.8e19) t = 1.8e19;
    record_ticks(static_cast<uint64_t>(t));
}

void Histogram::record_ticks(uint64_t t) {
    ++m_counts[index_of(t)];
    ++m_count;
    m_min = std::min(m_min, t);
    m_max = std::max(m_max, t);
    m_sum += static_cast<long double>(t);
}

void Histogram::merge(const Histogram& o) {
    for (size_t i = 0; i < k_buckets; ++i) m_counts[i] += o.m_counts[i];
    m_count += o.m_count;
    m_min = std::min(m_min, o.m_min);
    m_max = std::max(m_max, o.m_max);
    m_sum += o.m_sum;
}

uint64_t Histogram::count_below(double value) const {
    double t = std::round(value * m_scale);
    if (!(t > 0)) return 0;
    size_t end = index_of(static_cast<uint64_t>(std::min(t, 1.8e19)));
    uint64_t n = 0;
    for (size_t i = 0; i < end; ++i) n += m_counts[i];
    return n;
}

void Histogram::reset() {
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_count = 0;
    m_min = UINT64_MAX;
    m_max = 0;
    m_sum = 0;
}

double Histogram::percentile(double q) const {
    if (m_count == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(m_count)));
    rank = std::clamp<uint64_t>(rank, 1, m_count);
    uint64_t seen = 0;
    for (size_t i = 0; i < k_buckets; ++i) {
        seen += m_counts[i];
        if (seen < rank) continue;
        uint64_t lo = low_of(i), hi = high_of(i);
        uint64_t mid = lo + (hi - lo) / 2;
        return static_cast<double>(std::clamp(mid, m_min, m_max)) / m_scale;
    }
    return max();
}

double Histogram::min() const { return m_count ? static_cast<double>(m_min) / m_scale : 0; }
double Histogram::max() const { return m_count ? static_cast<double>(m_max) / m_scale : 0; }
double Histogram::mean() const {
    return m_count ? static_cast<double>(m_sum / m_count) / m_scale : 0;
}

Summary summarise(const Histogram& h) {
    Summary s;
    s.n = h.count();
    s.min = h.min();
    s.p50 = h.percentile(0.5);
    s.p90 = h.percentile(0.9);
    s.p99 = h.percentile(0.99);
    s.p999 = h.percentile(0.999);
    s.max = h.max();
    s.mean = h.mean();
    return s;
}

Summary summarise(const std::vector<double>& values, double ticks_per_unit) {
    Histogram h(ticks_per_unit);
    for (double v : values) h.record(v);
    return summarise(h);
}

}  // namespace aegis::util
