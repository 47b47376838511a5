#pragma once
// What a fault proxy does to its links at a given moment: the faults of `aegis failover --fault`
// and the scenario steps partition / heal / delay, as a pure state machine (no sockets), so the
// timing rules are testable without a network.
//
//   partition   the link goes silent both ways: nothing is read or written and no new
//               connection is accepted. Bytes already in flight are held, not dropped — what TCP
//               does over a cut link shorter than its retransmission timeout — so at the heal
//               they flow on in order and the NATS stream is intact (docs/scenarios.md).
//   latency     every chunk is held `delay` (+ a random 0..jitter) before it is passed on; order
//               is kept.
//   flap        partition for `cut`, heal for `heal`, again and again.
//   slow_close  half-open: the server's side of every open connection is closed (the server
//               sees the client leave) while the client's side stays open and silent; it is
//               closed when the fault ends, so the client learns only then.
// Every fault has an end (`until`): the link heals by itself there.
#include <chrono>
#include <string>

namespace aegis::fault {

using Mono = std::chrono::steady_clock::time_point;
using std::chrono::milliseconds;

enum class FaultKind { none, partition, latency, flap, slow_close };
const char* fault_kind_name(FaultKind k) noexcept;
// "partition", "latency", "flap", "slow-close"; UsageError for anything else.
FaultKind parse_fault_kind(const std::string& name);

struct Fault {
    FaultKind kind = FaultKind::none;
    milliseconds duration{0};  // how long until it heals by itself
    milliseconds delay{0}, jitter{0};          // latency
    milliseconds cut{500}, heal{500};          // flap: one cycle
};

// The effect of the faults in force at one moment.
struct Effect {
    bool silent = false;     // read nothing, write nothing, accept nothing
    bool half_open = false;  // slow-close: server side closed, client side silent
    milliseconds delay{0}, jitter{0};
    bool operator==(const Effect& o) const {
        return silent == o.silent && half_open == o.half_open && delay == o.delay &&
               jitter == o.jitter;
    }
};

class FaultPlan {
public:
    // Starts `f` at `now`, replacing the fault in force; UsageError for a fault without a
    // positive duration (every fault ends) or a flap without positive cut and heal times.
    void apply(const Fault& f, Mono now);
    void heal() { m_fault = Fault{}; }
    Effect effect(Mono now) const;
    // The next moment the effect may change (a flap phase, the end), or Mono::max().
    Mono next_change(Mono now) const;
    FaultKind kind(Mono now) const;  // none once the fault has ended
    const Fault& fault() const noexcept { return m_fault; }

private:
    Fault m_fault;
    Mono m_start{};
};

}  // namespace aegis::fault
