#include "core/fault/fault_plan.hpp"
#include <chrono>
#include <string>

#include "core/util/error.hpp"

namespace aegis::fault {

const char* fault_kind_name(FaultKind k) noexcept {
    switch (k) {
        case FaultKind::none: return "none";
        case FaultKind::partition: return "partition";
        case FaultKind::latency: return "latency";
        case FaultKind::flap: return "flap";
        case FaultKind::slow_close: return "slow-close";
    }
    return "?";
}

FaultKind parse_fault_kind(const std::string& name) {
    for (auto k : {FaultKind::partition, FaultKind::latency, FaultKind::flap,
                   FaultKind::slow_close})
        if (name == fault_kind_name(k)) return k;
    throw UsageError("unknown network fault '" + name + "'",
                     "use partition, latency, flap or slow-close");
}

void FaultPlan::apply(const Fault& f, Mono now) {
    if (f.kind == FaultKind::none) return heal();
    if (f.duration.count() <= 0)
        throw UsageError(std::string("a '") + fault_kind_name(f.kind) +
                         "' fault needs a positive duration");
    if (f.kind == FaultKind::flap && (f.cut.count() <= 0 || f.heal.count() <= 0))
        throw UsageError("a 'flap' fault needs positive cut and heal times");
    if (f.delay.count() < 0 || f.jitter.count() < 0)
        throw UsageError("latency and jitter must not be negative");
    m_fault = f;
    m_start = now;
}

FaultKind FaultPlan::kind(Mono now) const {
    if (m_fault.kind == FaultKind::none || now >= m_start + m_fault.duration)
        return FaultKind::none;
    return m_fault.kind;
}

Effect FaultPlan::effect(Mono now) const {
    Effect e;
    switch (kind(now)) {
        case FaultKind::none: break;
        case FaultKind::partition: e.silent = true; break;
        case FaultKind::latency:
            e.delay = m_fault.delay;
            e.jitter = m_fault.jitter;
            break;
        case FaultKind::flap: {
            Mono::duration cycle = m_fault.cut + m_fault.heal;
            e.silent = (now - m_start) % cycle < m_fault.cut;
            break;
        }
        case FaultKind::slow_close: e.half_open = true; break;
    }
    return e;
}

Mono FaultPlan::next_change(Mono now) const {
    if (kind(now) == FaultKind::none) return Mono::max();
    Mono end = m_start + m_fault.duration;
    if (m_fault.kind != FaultKind::flap) return end;
    Mono::duration cycle = m_fault.cut + m_fault.heal;
    auto into = (now - m_start) % cycle;
    Mono next = now - into + (into < m_fault.cut ? Mono::duration(m_fault.cut) : cycle);
    return std::min(next, end);
}

}  // namespace aegis::fault
