#pragma once
// A private network of network namespaces for a local cluster (the partition scenarios, the
// tests): one namespace holding a bridge, one namespace per node
// joined to the bridge by a veth pair, and a veth from the host into the bridge so clients on the
// host reach the nodes. All on a private 10.x.y.0/24 chosen free of the host's routes.
//
//   host  netns<id> 10.x.y.1 ──┐  (its peer: port uplink)
//                               br0 (namespace netns<id>-br)
//   node i  eth0 10.x.y.(i+2) ──┘   via its bridge port n<i+1>
//
// Cutting a node sets its bridge port down: nothing reaches it and nothing it sends leaves, with
// no FIN or RST, as when a cable is pulled; healing sets it up again. Needs root and iproute2.
// Every name starts with "netns" and the run's id, so parallel runs never meet.
#include <chrono>
#include <string>
#include <vector>

namespace aegis::netns {

// Empty when namespaces can be made here; else why not, in a few words ("not running as root").
std::string unavailable_reason();

struct FabricOptions {
    int nodes = 3;
};

class Fabric {
public:
    // Builds the network; UnavailableError when namespaces cannot be made (with the reason).
    explicit Fabric(FabricOptions options);
    ~Fabric();  // removes it
    Fabric(const Fabric&) = delete;
    Fabric& operator=(const Fabric&) = delete;

    const std::string& id() const { return m_id; }
    int nodes() const { return m_nodes; }
    std::string node_namespace(int i) const;  // 0-based node index
    std::string node_address(int i) const;    // its IPv4 address
    std::string host_address() const;
    // The argv prefix that runs a program inside node i's namespace (`ip netns exec NS`).
    std::vector<std::string> exec_prefix(int i) const;
    void cut(int i);   // silently: its bridge port down
    void heal(int i);  // its bridge port up
    bool is_cut(int i) const;
    // Whether a TCP connect from inside node `from`'s namespace to host:port succeeds within
    // `timeout` (made on a thread of its own that enters the namespace, then ends).
    bool reaches(int from, const std::string& host, int port,
                 std::chrono::milliseconds timeout) const;
    // Delays what node i sends by `ms` with tc netem; UnavailableError (with tc's words) where
    // the kernel has no netem. undelay() removes it (a no-op when there is none).
    void delay(int i, int ms);
    void undelay(int i);
    void remove();  // everything, now (also done by the destructor)

private:
    std::string m_id, m_subnet;  // m_subnet: "10.x.y."
    int m_nodes = 0;
    bool m_removed = false;
    std::vector<bool> m_cut;
};

// Removes what the fabric `id` created; false when nothing was there.
bool remove_fabric(const std::string& id);
// Namespaces and links left by runs that ended without cleaning up (their creator, named in the
// id, no longer runs): removed.
void sweep_dead_fabrics();

}  // namespace aegis::netns
