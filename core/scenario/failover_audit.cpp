#include "core/scenario/failover_audit.hpp"
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include "core/wire/codec.hpp"

namespace aegis::scenario {

ExecutionLog::ExecutionLog(std::shared_ptr<nats::Connection> conn) : m_conn(std::move(conn)) {}

std::string ExecutionLog::start() {
    std::string subject = m_conn->new_inbox() + ".executions";
    m_sub = m_conn->subscribe(subject, [this](nats::Msg& m) { on_record(m); });
    m_conn->flush();
    return subject;
}

void ExecutionLog::stop() { m_sub.unsubscribe(); }

std::vector<Execution> ExecutionLog::records() const {
    std::lock_guard lk(m_mutex);
    return m_records;
}

// A record is data from the network: anything not of the expected shape is ignored.
void ExecutionLog::on_record(nats::Msg& msg) {
    Execution e;
    e.at = std::chrono::steady_clock::now();
    try {
        Json j = wire::from_json(msg.data());
        e.message_id = j.at("message_id").get<std::string>();
        e.instance = j.at("instance_id").get<std::string>();
        e.term = j.at("term").get<uint64_t>();
        e.done = j.value("phase", "start") == "done";
    } catch (const std::exception&) {
        return;
    }
    std::lock_guard lk(m_mutex);
    m_records.push_back(std::move(e));
}

}  // namespace aegis::scenario
