#pragma once
// What the service side reports of its own work: single-active instances started with
// AEGIS_AUDIT_SUBJECT announce every exclusive call they start running (after their leadership
// check). `aegis failover` listens there, so a call run twice — by a dying leader and again by
// its successor, or by two leaders at once — is counted even when only one reply came back.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/nats/connection.hpp"
#include "core/scenario/failover_analysis.hpp"

namespace aegis::scenario {

class ExecutionLog {
public:
    explicit ExecutionLog(std::shared_ptr<nats::Connection> conn);
    // Subscribes to a fresh inbox subject; returns it (for the instances' environment).
    std::string start();
    void stop();
    std::vector<Execution> records() const;  // in arrival order

private:
    void on_record(nats::Msg& msg);
    std::shared_ptr<nats::Connection> m_conn;
    nats::Subscription m_sub;
    mutable std::mutex m_mutex;
    std::vector<Execution> m_records;
};

}  // namespace aegis::scenario
