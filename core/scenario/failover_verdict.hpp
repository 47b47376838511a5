#pragma once
// Whether a failover measurement holds: the one verdict `aegis failover` and the scenario step
// `failover` share.
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/failover_run.hpp"

namespace aegis::scenario {

struct FailoverBounds {
    std::optional<double> max_first_success_ms;  // per trial
    int max_lost = 0;
    int max_split_brain = 0;
    std::optional<int> max_duplicates;  // unbounded unless set
};

// Every reason the run fails its bounds, one line each (empty: it passed). A run without a trial,
// with a trial that never completed, in which no call succeeded or with a problem the
// measurement reported always fails.
std::vector<std::string> failover_verdict(const FailoverReport& r, const FailoverBounds& b);

}  // namespace aegis::scenario
