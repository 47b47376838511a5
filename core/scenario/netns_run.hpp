#pragma once
// The cluster a scenario that `requires: [netns]` runs against: three real nats-servers in
// network namespaces of its own (core/netns), started before the scenario's setup and removed
// after its sweep, so a node can be cut from its peers (partition, heal, delay with a node).
#include <memory>

#include "core/scenario/model.hpp"
#include "core/scenario/run_state.hpp"


namespace aegis::scenario {

class ScenarioCluster {
public:
    ScenarioCluster();
    ~ScenarioCluster();
    ScenarioCluster(const ScenarioCluster&) = delete;
    ScenarioCluster& operator=(const ScenarioCluster&) = delete;

    // Starts the cluster and points `o` at it (connection, server URLs, cluster); the result
    // says how long that took, or why it failed.
    StepResult start(RunOptions& o);

private:
    std::unique_ptr<NsCluster> m_cluster;
};

// Heals every node a step left cut and waits until it has rejoined, so the sweep finds a whole
// cluster (steps_cluster_fault.cpp). StepFailed when one does not rejoin.
void heal_before_sweep(RunState& s);

}  // namespace aegis::scenario
