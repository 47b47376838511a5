#pragma once
// The figures of a cut trial that come from the run's history (core/history): how long the
// cut-off leader believed it led and what it ran after its loss (failover_analysis.hpp).
#include <vector>

#include "core/history/checker.hpp"
#include "core/scenario/failover_analysis.hpp"

namespace aegis::scenario {

// Fills after_loss and believed_ms of each cut trial (trials[i] was analysed from windows[i]).
void apply_leader_spans(std::vector<TrialReport>& trials, const std::vector<TrialWindow>& windows,
                        const std::vector<history::LeaderSpan>& spans);

}  // namespace aegis::scenario
