#pragma once
// A JetStream cluster of real nats-servers, each in its own network namespace of a Fabric
// (fabric.hpp): what the partition scenarios and the tests cut and heal. Each node listens on
// its own address (client 4222, routes 6222, monitoring 8222) and pings its routes every second,
// so a silent partition closes the routes in about 3 s instead of nats-server's default minutes.
// Stopped and removed at destruction (its store too, unless the directory was given).
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/netns/fabric.hpp"

namespace aegis::scenario {

inline constexpr int k_client_port = 4222;
inline constexpr int k_route_port = 6222;
inline constexpr int k_monitor_port = 8222;

struct NsClusterOptions {
    int nodes = 3;
    std::string cluster_name = "aegis-netns";
    std::string dir;  // stores and logs; empty: a temporary directory, removed at the end
};

class NsCluster {
public:
    // Starts the cluster and waits (up to 30 s) until a stream with a replica on every node can
    // be placed. UnavailableError when namespaces cannot be made or a node does not start.
    explicit NsCluster(NsClusterOptions options = {});
    ~NsCluster();
    NsCluster(const NsCluster&) = delete;
    NsCluster& operator=(const NsCluster&) = delete;

    int size() const { return static_cast<int>(m_pids.size()); }
    netns::Fabric& fabric() { return *m_fabric; }
    std::string server_name(int i) const { return "n" + std::to_string(i + 1); }
    // The node whose server name is `name` (n1, n2, ...), -1 when none.
    int index_of(const std::string& name) const;
    std::string url(int i) const;
    std::string urls() const;  // every node's, comma separated
    std::vector<std::string> url_list() const;
    pid_t pid(int i) const { return m_pids.at(static_cast<size_t>(i)); }
    std::string log(int i) const;
    void cut(int i) { m_fabric->cut(i); }
    void heal(int i) { m_fabric->heal(i); }
    // The routes node i has open now, from its monitoring port (/routez); -1 when it does not
    // answer (it is cut, or stopped).
    int routes(int i, std::chrono::milliseconds timeout = std::chrono::milliseconds(1000)) const;

private:
    pid_t spawn_node(int i) const;
    void wait_ready();
    std::unique_ptr<netns::Fabric> m_fabric;
    NsClusterOptions m_options;
    std::string m_dir;
    bool m_own_dir = false;
    std::vector<pid_t> m_pids;
};

}  // namespace aegis::scenario
