// {{name}}: a single-active aegis service. Start two or three instances: one is elected leader
// and runs the exclusive method; the others stand by and take over within seconds when it stops.
// Try: aegis call {{name}} process item=42
// Measure a failover (it starts three instances and kills their leader; stop yours first):
//   aegis failover {{name}} --spawn 3 --spawn-cmd ./build/{{name}}
#include <aegis/aegis.hpp>

#include <atomic>

int main(int argc, char** argv) {
    auto svc = aegis::quick_setup_single_active("{{name}}", argc, argv);
    std::atomic<int> processed{0};
    svc.on_leadership([&svc](bool leader) {
        aegis::log::info("{}: {}", svc.instance_id(), leader ? "elected leader" : "standing by");
    });
    // Only the leader runs this; a client retries through a failover.
    svc.exclusive_rpc("process", [&](const aegis::Json& params) {
        return aegis::Json{{"item", params.value("item", aegis::Json())},
                           {"processed", ++processed}, {"leader", svc.instance_id()}};
    });
    // Every instance answers this one.
    svc.rpc("status", [&svc](const aegis::Json&) { return svc.single_active_status(); });
    return svc.run();
}
