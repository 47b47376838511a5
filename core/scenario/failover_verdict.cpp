#include "core/scenario/failover_verdict.hpp"
#include <vector>
#include <string>

#include <fmt/format.h>

namespace aegis::scenario {

std::vector<std::string> failover_verdict(const FailoverReport& r, const FailoverBounds& b) {
    std::vector<std::string> why = r.problems;
    const auto& s = r.summary;
    if (s.trials == 0 && r.problems.empty()) why.push_back("no failover was measured");
    // However the bounds are set, a run in which no call succeeded measured nothing.
    if (s.trials > 0 && s.ok + s.retried == 0)
        why.push_back(fmt::format("no call succeeded ({} calls)", s.calls));
    if (s.completed < s.trials)
        why.push_back(fmt::format("{} of {} failovers did not complete", s.trials - s.completed,
                                  s.trials));
    if (s.lost > b.max_lost) why.push_back(fmt::format("{} calls lost (at most {})", s.lost, b.max_lost));
    if (s.split_brain > b.max_split_brain)
        why.push_back(fmt::format("split-brain: {} replies from a second leader (at most {})",
                                  s.split_brain, b.max_split_brain));
    if (b.max_duplicates && s.duplicates > *b.max_duplicates)
        why.push_back(fmt::format("{} calls served twice (at most {})", s.duplicates, *b.max_duplicates));
    if (b.max_first_success_ms && s.first_success_ms.n > 0 &&
        s.first_success_ms.max > *b.max_first_success_ms)
        why.push_back(fmt::format("first success after {:.0f} ms (at most {:.0f} ms)",
                                  s.first_success_ms.max, *b.max_first_success_ms));
    // What the instances and the calls recorded: one leader at a time, each order once.
    if (r.history)
        for (auto& p : r.history->problems()) why.push_back(std::move(p));
    return why;
}

}  // namespace aegis::scenario
