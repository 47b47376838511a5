#include "core/scenario/failover_faults.hpp"
#include <chrono>
#include <random>
#include <string>

#include <signal.h>

#include "core/fault/proxy.hpp"
#include "core/scenario/failover_fleet.hpp"
#include "core/service/failover_policy.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;

std::string effective_fault(const FailoverOptions& o) {
    if (o.fault.empty()) return o.kill == "stop" ? "term" : "kill";
    for (const char* f : {"kill", "term", "stop", "partition", "latency", "flap", "slow-close"})
        if (o.fault == f) return o.fault;
    throw UsageError("unknown fault '" + o.fault + "'",
                     "use kill, term, stop, partition, latency, flap or slow-close");
}

bool is_network_fault(const std::string& f) {
    return f == "partition" || f == "latency" || f == "flap" || f == "slow-close";
}

bool is_cut_fault(const std::string& f) { return f == "stop" || is_network_fault(f); }

milliseconds pick_fault_length(const FailoverOptions& o) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    if (o.fault_max <= o.fault_min) return o.fault_min;
    return milliseconds(
        std::uniform_int_distribution<long>(o.fault_min.count(), o.fault_max.count())(rng));
}

bool failover_expected(const FailoverOptions& o, const std::string& fault, milliseconds length) {
    if (fault == "latency") return false;
    if (!o.spawn_command.empty()) return true;  // its policy is not ours to know
    auto lease = FailoverPolicy::from_name(o.policy).lease;
    return (fault == "flap" ? std::min(length, o.flap_cut) : length) > lease;
}

void begin_fault(Fleet& fleet, const std::string& id, const FailoverOptions& o,
                 const std::string& f, milliseconds length) {
    if (f == "stop") return fleet.signal(id, SIGSTOP);
    fault::FaultProxy* proxy = fleet.proxy(id);
    if (!proxy) throw InternalError("instance '" + id + "' has no fault proxy");
    fault::Fault x;
    x.kind = fault::parse_fault_kind(f);
    x.duration = length;
    x.delay = o.latency;
    x.jitter = o.jitter;
    x.cut = o.flap_cut;
    x.heal = o.flap_heal;
    proxy->apply(x);
}

void end_fault(Fleet& fleet, const std::string& id, const std::string& f) {
    if (f == "stop") return fleet.signal(id, SIGCONT);
    if (auto* proxy = fleet.proxy(id)) proxy->heal();
}

}  // namespace aegis::scenario
