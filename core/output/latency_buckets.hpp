#pragma once
// A latency histogram folded into a few log-scaled buckets for people: edges on the 1-1.5-2-3-
// 5-7 sequence (about six per decade), from the bucket holding the fastest call to the one
// holding the slowest. The terminal bars and the HTML report draw the same buckets.
#include <cstdint>
#include <vector>

#include "core/util/histogram.hpp"
#include "core/wire/json.hpp"

namespace aegis::report {

struct Bucket {
    double from = 0, to = 0;  // [from, to) in the histogram's units divided by `divisor`
    uint64_t count = 0;
};

// `divisor` turns the histogram's units into the buckets' (1e6: nanoseconds → milliseconds).
// At most `max_buckets` (neighbours merged two by two past that); empty for an empty histogram.
std::vector<Bucket> log_buckets(const util::Histogram& h, double divisor, size_t max_buckets = 36);

Json to_json(const std::vector<Bucket>& buckets);  // [{"from_ms","to_ms","count"}]

}  // namespace aegis::report
