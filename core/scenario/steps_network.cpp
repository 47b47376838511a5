// Network faults on the run's own instances: partition, delay and heal. An instance spawned with
// `fault_proxy: true` connects through a fault proxy of its own (core/fault/proxy.hpp); these
// steps set that proxy's fault. The target is named as kill names it (leader, instance, group +
// index); `node: N` is left for faults on the nodes of a NATS cluster.
#include <fmt/format.h>
#include <chrono>
#include <string>

#include "core/fault/proxy.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"

namespace aegis::scenario {

namespace {

using std::chrono::milliseconds;

// Without a duration a fault lasts until a heal step (or the end of the run).
constexpr milliseconds k_until_healed{std::chrono::hours(1)};

Instance& proxied_target(RunState& s, const Json& a, std::string& what) {
    Instance* i = kill_target(s, a, what);
    if (!i->proxy)
        throw StepFailed("instance " + i->id +
                         " does not connect through a fault proxy: spawn it with "
                         "'fault_proxy: true'");
    return *i;
}

void link_partition(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string what;
    Instance& i = proxied_target(s, a, what);
    fault::Fault f;
    f.kind = fault::FaultKind::partition;
    f.duration = a.contains("duration") ? parse_duration(a["duration"]) : k_until_healed;
    i.proxy->apply(f);
    s.vars["partitioned"] = i.id;
    out.title = a.contains("duration")
                    ? fmt::format("partition {} {} from NATS for {} ms", what, i.id,
                                  f.duration.count())
                    : fmt::format("partition {} {} from NATS until healed", what, i.id);
}

void link_delay(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string what;
    Instance& i = proxied_target(s, a, what);
    fault::Fault f;
    f.kind = fault::FaultKind::latency;
    f.delay = parse_duration(a.at("latency"));
    f.jitter = a.contains("jitter") ? parse_duration(a["jitter"]) : milliseconds(0);
    f.duration = a.contains("duration") ? parse_duration(a["duration"]) : k_until_healed;
    i.proxy->apply(f);
    s.vars["delayed"] = i.id;
    out.title = fmt::format("delay {} {} by {} ms (+ up to {} ms) each way", what, i.id,
                            f.delay.count(), f.jitter.count());
}

// With a target: that instance; without: every instance with a proxy (the leader named at the
// partition may no longer lead: `heal:` alone is the safe spelling).
void link_heal(RunState& s, const Json& raw, StepResult& out) {
    Json a = raw.is_object() ? s.subst(raw) : Json::object();
    if (!a.empty()) {
        std::string what;
        Instance& i = proxied_target(s, a, what);
        i.proxy->heal();
        out.title = fmt::format("heal {} {}", what, i.id);
        return;
    }
    int n = 0;
    for (auto& i : s.instances)
        if (i.proxy) {
            i.proxy->heal();
            ++n;
        }
    out.title = fmt::format("heal every instance's link ({})", n);
}

}  // namespace

StepFn network_step(const std::string& kind) {
    if (kind == "partition") return link_partition;
    if (kind == "delay") return link_delay;
    if (kind == "heal") return link_heal;
    return nullptr;
}

}  // namespace aegis::scenario
