#pragma once
// The one percentile implementation of the codebase: a log-linear histogram (HdrHistogram's
// layout). Values are counted in integer ticks; below 256 ticks every value has its own bucket,
// above that every power of two is split into 128 equal buckets, so a reported percentile is
// within 1/256 (0.4 %) of a value that was recorded. Memory is fixed (7,424 counters), whatever
// the number of samples: there is no per-sample vector.
#include <cstdint>
#include <cstddef>
#include <vector>

namespace aegis::util {

class Histogram {
public:
    // `ticks_per_unit`: the resolution of record(double). Latency in nanoseconds records
    // durations with 1.0; milliseconds printed with two decimals use 100.0 (values up to 2.55 ms
    // are then exact).
    explicit Histogram(double ticks_per_unit = 1.0);

    void record(double value);           // in units; negative values count as 0
    void record_ticks(uint64_t ticks);
    void merge(const Histogram& other);  // same ticks_per_unit expected
    void reset();

    uint64_t count() const noexcept { return m_count; }
    bool empty() const noexcept { return m_count == 0; }
    // Nearest-rank percentile, q in [0, 1]: the value of rank ceil(q·n) (q = 0 gives the minimum),
    // as the middle of its bucket clamped to [min, max]; 0 when empty.
    double percentile(double q) const;
    double min() const;
    double max() const;
    double mean() const;
    // How many recorded values lie in buckets wholly below `value` (in units): the difference
    // of two calls counts a range, at the histogram's resolution (for drawing it).
    uint64_t count_below(double value) const;
    double ticks_per_unit() const noexcept { return m_scale; }

    static constexpr int k_sub_bits = 7;  // 128 buckets per power of two above 256 ticks

private:
    static size_t index_of(uint64_t ticks) noexcept;
    static uint64_t low_of(size_t index) noexcept;   // smallest tick value of a bucket
    static uint64_t high_of(size_t index) noexcept;  // largest tick value of a bucket
    double m_scale;
    std::vector<uint64_t> m_counts;
    uint64_t m_count = 0;
    uint64_t m_min = UINT64_MAX;
    uint64_t m_max = 0;
    long double m_sum = 0;
};

// Nearest-rank percentiles of a handful of values, through the same histogram (the call
// summaries of `aegis call --count`, failover trials, benchmarks).
struct Summary {
    uint64_t n = 0;
    double min = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, mean = 0;
};
Summary summarise(const Histogram& h);
Summary summarise(const std::vector<double>& values, double ticks_per_unit);

}  // namespace aegis::util
