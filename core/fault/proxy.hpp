#pragma once
// A userspace fault proxy between NATS clients and one loopback nats-server, without root:
// it listens on 127.0.0.1:<free port>, relays every connection to the server through one relay
// thread (poll), and applies the faults of fault_plan.hpp to all of them. One proxy per
// instance, so one instance can be cut off alone.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/fault/fault_plan.hpp"
#include "core/fault/upstream.hpp"

namespace aegis::fault {

class FaultProxy {
public:
    static constexpr size_t k_max_links = 64;  // more connections are refused (closed at once)

    // UsageError when `upstream_url` is not one loopback NATS URL; IoError when no port can be
    // bound. The relay thread runs until destruction.
    explicit FaultProxy(const std::string& upstream_url);
    ~FaultProxy();
    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    // The URL clients connect to (the upstream's, with the proxy's address).
    const std::string& url() const noexcept { return m_url; }
    int port() const noexcept { return m_port; }

    void apply(const Fault& f);  // replaces the fault in force
    void heal();
    FaultKind fault() const;  // in force now (none once it ended)
    size_t links() const noexcept { return m_links.load(); }
    size_t accepted() const noexcept { return m_accepted.load(); }

private:
    struct Relay;
    void run();
    void wake();
    Upstream m_upstream;
    std::string m_url;
    int m_listen = -1, m_wake = -1, m_port = 0;
    mutable std::mutex m_mutex;
    FaultPlan m_plan;
    std::atomic<bool> m_stop{false};
    std::atomic<size_t> m_links{0}, m_accepted{0};
    std::thread m_thread;
};

}  // namespace aegis::fault
