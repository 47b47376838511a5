#pragma once
// The end of every run: stop what it spawned and remove every NATS resource whose name carries
// the run id (registry entries, KV buckets, streams, consumers) and the messages it published on
// its own subjects; then list what is still there, so a run against a shared cluster is seen to
// leave nothing behind.
#include <string>
#include <vector>

namespace aegis::scenario {

class RunState;

// Problems met while removing (each one line); best effort, never throws.
std::vector<std::string> sweep(RunState& s);
// What of the run is still there: "registry key ...", "KV bucket ...", "process ... (pid N)".
std::vector<std::string> leftovers(RunState& s);

}  // namespace aegis::scenario
