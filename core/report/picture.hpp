#pragma once
// The pictures the reports print under their numbers (`aegis load`'s latency histogram and
// per-second sparklines, `aegis failover`'s trial timelines): how wide, which glyphs, which
// colours. The command decides from the terminal (its width, the locale, --color / NO_COLOR);
// off a terminal the pictures are drawn 80 columns wide.
#include <cstddef>
#include <string>

#include "core/output/style.hpp"
#include "core/report/charts.hpp"

namespace aegis::load {
struct LoadReport;
}
namespace aegis::scenario {
struct FailoverReport;
}

namespace aegis::report {

struct Picture {
    size_t width = 80;
    Glyphs glyphs;
    output::Style style;
};

// For stdout (`fd`): its width on a terminal (at least 40), 80 elsewhere; glyphs from the locale.
Picture picture_for(int fd, const output::Style& style);

// "latency (ms, log-scaled buckets)" with one bar per bucket, then the per-second throughput and
// p99 sparklines. Empty when the run completed no call.
std::string load_pictures(const load::LoadReport& r, const Picture& p);

// One line per trial, kill → detected → elected → first success on one scale shared by all
// trials, so trials compare at a glance.
std::string failover_pictures(const scenario::FailoverReport& r, const Picture& p);

}  // namespace aegis::report
