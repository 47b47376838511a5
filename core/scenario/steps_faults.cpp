// partition, heal and delay: one step kind each, two kinds of target. A NATS node of the
// scenario's namespaced cluster (`node`, `stream_leader`) is cut with kernel networking
// (steps_cluster_fault.cpp); a spawned instance's link to NATS through its own fault proxy
// (`leader`, `instance`, `group` + `index`, as kill aims) in userspace (steps_network.cpp).
#include <string>

#include "core/scenario/run_state.hpp"

namespace aegis::scenario {

StepFn cluster_fault_step(const std::string& kind);
StepFn network_step(const std::string& kind);

namespace {

bool aims_at_node(const Json& a) {
    return a.is_object() && (a.contains("node") || a.contains("stream_leader"));
}

bool aims_at_instance(const Json& a) {
    return a.is_object() && (a.contains("leader") || a.contains("instance") ||
                             a.contains("group") || a.contains("index"));
}

void check_target(const char* kind, const Json& a) {
    if (aims_at_node(a) && aims_at_instance(a))
        throw StepFailed(std::string(kind) + " aims at a node (node, stream_leader) or at an "
                                             "instance (leader, instance, group, index), not both");
}

void fault_partition(RunState& s, const Json& a, StepResult& out) {
    check_target("partition", a);
    (aims_at_node(a) ? cluster_fault_step("partition") : network_step("partition"))(s, a, out);
}

void fault_delay(RunState& s, const Json& a, StepResult& out) {
    check_target("delay", a);
    if (aims_at_node(a) && !a.contains("by"))
        throw StepFailed("delay on a node needs 'by' (the added delay, e.g. by: 200ms)");
    if (!aims_at_node(a) && !a.contains("latency"))
        throw StepFailed("delay on an instance needs 'latency' (e.g. latency: 200ms)");
    (aims_at_node(a) ? cluster_fault_step("delay") : network_step("delay"))(s, a, out);
}

// `heal` alone heals everything cut: the instances' links, and the nodes when there is a cluster.
void fault_heal(RunState& s, const Json& a, StepResult& out) {
    check_target("heal", a);
    if (aims_at_node(a)) return cluster_fault_step("heal")(s, a, out);
    if (aims_at_instance(a)) return network_step("heal")(s, a, out);
    network_step("heal")(s, Json::object(), out);  // every instance's link
    if (s.options.cluster) cluster_fault_step("heal")(s, a, out);  // and every node
}

}  // namespace

StepFn fault_step(const std::string& kind) {
    if (kind == "partition") return fault_partition;
    if (kind == "delay") return fault_delay;
    if (kind == "heal") return fault_heal;
    return nullptr;
}

}  // namespace aegis::scenario
