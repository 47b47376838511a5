#pragma once
// The faults `aegis failover --fault` makes on the leader of a spawned fleet: a signal (kill,
// term), a freeze (stop: SIGSTOP, SIGCONT at the heal) or a network fault on the leader's own
// fault proxy (partition, latency, flap, slow-close), each lasting a random time and healing.
#include <chrono>
#include <string>

#include "core/scenario/failover_run.hpp"

namespace aegis::scenario {

class Fleet;

// stop and the network faults: the old leader keeps running and comes back.
bool is_cut_fault(const std::string& fault);
bool is_network_fault(const std::string& fault);
// A uniformly random length in [fault_min, fault_max].
std::chrono::milliseconds pick_fault_length(const FailoverOptions& o);
// Whether the old leader must lose its lease: the fault silences it for longer than the lease
// of its policy (a latency fault only slows it).
bool failover_expected(const FailoverOptions& o, const std::string& fault,
                       std::chrono::milliseconds length);
void begin_fault(Fleet& fleet, const std::string& id, const FailoverOptions& o,
                 const std::string& fault, std::chrono::milliseconds length);
void end_fault(Fleet& fleet, const std::string& id, const std::string& fault);

}  // namespace aegis::scenario
