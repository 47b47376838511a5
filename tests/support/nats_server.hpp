#pragma once
// A real nats-server for one test: loopback, a free port (-p -1 --ports_file_dir), JetStream in a
// temp dir. Killed at the end; its log is kept when the test failed (AEGIS_KEEP_LOGS=1 keeps all).
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace aegis::nats {
class Connection;
}

namespace aegis::test {

class NatsServer {
public:
    struct Options {
        bool jetstream = true;
        std::vector<std::string> extra_args;  // e.g. {"--user", "a", "--pass", "b"}
        int port = -1;                        // -1: a free one
        // Cluster membership (NatsCluster): empty cluster_name = a single server.
        std::string cluster_name;
        std::string server_name;
        std::vector<std::string> routes;  // nats://127.0.0.1:<cluster port> of every node
        int cluster_port = -1;            // the route listener (-1: a free one)
    };
    NatsServer();
    explicit NatsServer(Options options);
    ~NatsServer();
    NatsServer(const NatsServer&) = delete;

    const std::string& url() const { return m_url; }
    int port() const { return m_port; }
    int cluster_port() const { return m_cluster_port; }  // -1 when not clustered
    pid_t pid() const { return m_pid; }
    const std::string& dir() const { return m_dir; }
    std::string log() const;

    void kill_now();  // SIGKILL, keeps the store
    // Same port (and cluster port); wipe_store = true starts with an empty JetStream store, as a
    // server that lost its disk would.
    void restart(bool wipe_store = false);
    std::shared_ptr<nats::Connection> connect(const std::string& name = "test") const;

private:
    void start();
    Options m_options;
    std::string m_dir;
    std::string m_url;
    int m_port = -1;
    int m_cluster_port = -1;
    pid_t m_pid = 0;
};

// A JetStream cluster of `size` nodes on loopback (server names n1.., one store each; client
// ports -1, read back from the ports files; route ports picked free up front, because JetStream
// wants every node to have configured routes — a start that loses a port race is retried). The
// constructor returns when every node's JetStream API answers: the meta leader is elected.
class NatsCluster {
public:
    explicit NatsCluster(int size = 3);
    ~NatsCluster();
    NatsCluster(const NatsCluster&) = delete;

    int size() const { return static_cast<int>(m_nodes.size()); }
    NatsServer& node(int i) { return *m_nodes.at(static_cast<size_t>(i)); }
    const std::string& name() const { return m_name; }
    // Every node's client URL, comma separated (what a client is given).
    std::string urls() const;
    std::vector<std::string> url_list() const;
    // Restarts node i on its ports and store (its routes name every node).
    void restart(int i);
    // Waits until the nodes that run all answer JetStream API requests and a bucket with a
    // replica on each can be placed; false on timeout.
    bool wait_jetstream(std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
    std::shared_ptr<nats::Connection> connect(const std::string& name = "test") const;
    std::string logs() const;  // every node's log, for a failed test

private:
    bool can_place_replicas(std::chrono::steady_clock::time_point deadline) const;
    std::string m_name;
    std::vector<std::unique_ptr<NatsServer>> m_nodes;
};

// A temporary directory removed at the end of the scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

}  // namespace aegis::test
