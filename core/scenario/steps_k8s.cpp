// The kill_pod step: delete the pod of a single-active service's leader (or of a named
// instance) with kubectl, as `aegis failover --k8s` does, and optionally wait for a new leader.
#include <fmt/format.h>
#include <chrono>
#include <string>

#include "core/scenario/leaders_view.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/pod_kill.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"

namespace aegis::scenario {

namespace {

using Clock = std::chrono::steady_clock;

// `who`: "leader" (the default) or an instance id of the service.
std::string pod_victim(RunState& s, const std::string& service, const std::string& group,
                       const std::string& who) {
    if (who != "leader") return who;
    auto holder = lease_holder(s.conn(), service, group);
    if (!holder) throw StepFailed("service '" + service + "' has no leader whose pod to kill");
    return *holder;
}

void step_kill_pod(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string service = s.str(a, "service");
    std::string group = s.str(a, "group", "default");
    std::string who = s.str(a, "who", "leader");
    KubeTarget kube = s.options.kube;
    kube.default_namespace = s.str(a, "namespace", kube.default_namespace);
    bool force = a.value("force", true);
    std::string id = pod_victim(s, service, group, who);
    PodRef pod = pod_of_instance(s.conn(), service, id, kube.default_namespace);
    std::string prefix = s.str(a, "record", "kill_pod");
    s.vars["killed"] = id;
    s.vars["killed_pod"] = pod.pod;
    auto t0 = Clock::now();
    delete_pod(kube, pod, force);
    out.title = fmt::format("kill pod {}/{} of {} {}{}", pod.namespace_name, pod.pod,
                            who == "leader" ? "leader" : "instance", id,
                            force ? " (--grace-period=0 --force)" : "");
    if (!a.contains("expect_new_leader")) return;
    auto timeout = parse_duration(a["expect_new_leader"]);
    std::string new_leader;
    bool ok = s.wait_until([&] {
        auto h = lease_holder(s.conn(), service, group);
        if (h && *h != id) new_leader = *h;
        return !new_leader.empty();
    }, timeout, std::chrono::milliseconds(5));
    if (!ok)
        throw StepFailed(fmt::format("{}: no new leader of '{}' within {} ms", out.title, service,
                                     timeout.count()));
    double ms = util::millis(Clock::now() - t0);
    s.record(out, prefix, "new_leader_ms", ms);
    s.vars["new_leader"] = new_leader;
    out.title += fmt::format(" → new leader {} in {:.0f} ms", new_leader, ms);
}

}  // namespace

StepFn k8s_step(const std::string& kind) { return kind == "kill_pod" ? step_kill_pod : nullptr; }

}  // namespace aegis::scenario
