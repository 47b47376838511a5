// {{name}}: an aegis service that consumes events. compete: each order event goes to one instance
// of {{name}} (the work is shared); broadcast: every instance sees every system event.
// Try: aegis events publish orders created order_id=1   then   aegis call {{name}} stats
#include <aegis/aegis.hpp>

#include <atomic>

int main(int argc, char** argv) {
    auto svc = aegis::quick_setup("{{name}}", argc, argv);
    std::atomic<int> orders{0}, alerts{0};
    svc.subscribe("events.orders.*", aegis::EventMode::compete, [&](const aegis::wire::Event& e) {
        ++orders;
        aegis::log::info("order {}: {}", e.event_type, e.payload.dump());
        svc.publish("invoice", "requested", {{"order", e.payload}});  // events.invoice.requested
    });
    svc.subscribe("events.system.*", aegis::EventMode::broadcast, [&](const aegis::wire::Event& e) {
        ++alerts;
        aegis::log::warn("system {}: {}", e.event_type, e.payload.dump());
    });
    svc.rpc("stats", [&](const aegis::Json&) {
        return aegis::Json{{"orders", orders.load()}, {"alerts", alerts.load()}};
    });
    return svc.run();
}
