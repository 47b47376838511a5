#pragma once
// The NATS Services API (ADR-32): $SRV.PING|INFO|STATS at all three levels (services-api.md).
#include <memory>
#include <vector>
#include <string>

#include "core/nats/connection.hpp"
#include "core/wire/json.hpp"

namespace aegis {
class Service;
}

namespace aegis::service {

class SrvResponder {
public:
    SrvResponder(Service& service, std::shared_ptr<nats::Connection> conn);
    void start();  // 3 wildcard subscriptions: $SRV.*, $SRV.*.<name>, $SRV.*.<name>.<id>
    void stop();

    Json ping() const;
    Json info() const;
    Json stats() const;

private:
    void answer(nats::Msg& msg);
    Json common(const char* type) const;
    Service& m_service;
    std::shared_ptr<nats::Connection> m_conn;
    std::vector<nats::Subscription> m_subs;
};

}  // namespace aegis::service
