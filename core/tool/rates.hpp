#pragma once
// Rates from $SRV.STATS deltas: requests/s, errors/s and the average processing time over the
// last interval, per service / instance / endpoint. Counters that go backwards (a restarted
// instance) start a new baseline instead of producing a negative rate.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/client/srv_client.hpp"

namespace aegis::tool {

struct EndpointRate {
    std::string service;
    std::string instance_id;
    std::string endpoint;
    bool has_rate = false;  // false for the first sample and after a counter reset
    double requests_per_s = 0;
    double errors_per_s = 0;
    double avg_ms = 0;  // over the interval; the lifetime average when the interval had none
    uint64_t num_requests = 0;  // lifetime counters as reported
    uint64_t num_errors = 0;
    uint64_t observed_requests = 0;  // handled while we watched (sum of the deltas)
    uint64_t observed_errors = 0;
    std::string last_error;
    // The method's lane (an aegis service's STATS `data`; 0 for others): waiting now, and the
    // lifetime counts of requests answered OVERLOADED and dropped unrun past their deadline.
    uint64_t queued = 0, shed = 0, expired = 0;
};

class RateTracker {
public:
    // One STATS round whose request went out at `sent`: each reply is timed at sent + its RTT,
    // so a slow reply does not distort the interval.
    void update(const std::vector<client::SrvReply>& stats,
                std::chrono::steady_clock::time_point sent);
    // The endpoints seen in the last round, sorted by service, instance, endpoint.
    const std::vector<EndpointRate>& rates() const { return m_rates; }

private:
    using Key = std::tuple<std::string, std::string, std::string>;
    struct Sample {
        uint64_t requests = 0, errors = 0;
        int64_t processing_ns = 0;
        std::string started;
        std::chrono::steady_clock::time_point at;
        uint64_t observed_requests = 0, observed_errors = 0;
    };
    std::map<Key, Sample> m_last;
    std::vector<EndpointRate> m_rates;
};

}  // namespace aegis::tool
