#pragma once
// The model behind `aegis monitor`: a registry watch, a watch on every election bucket, a plain
// core subscription on events.>, and one $SRV.STATS round per tick. Each tick yields a frame
// (per service / instance / endpoint rates, heartbeat ages, leaders, lease ages, leader
// changes) and the happenings since the last one (joined, left, went stale, leader changed,
// events seen). Rendering is the command's business.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/tool/rates.hpp"
#include "core/tool/system_view.hpp"

namespace aegis::nats {
class Connection;
class KeyValue;
class KvWatch;
class Subscription;
}  // namespace aegis::nats
namespace aegis::registry {
class DiscoveryCache;
}

namespace aegis::tool {

struct Happening {
    wire::SysTime at{};
    // start, joined, left, stale, recovered, ghost, answering, unhealthy, leader, released, event
    std::string kind;
    std::string service;
    std::string instance;
    std::string text;  // one human line, without the time
};

struct RateSum {
    bool has_rate = false;
    double requests_per_s = 0;
    double errors_per_s = 0;
    double avg_ms = 0;  // weighted by requests
    uint64_t observed_requests = 0;
    uint64_t observed_errors = 0;
    void add(const EndpointRate& r);
};

struct MonitorInstance {
    InstanceView view;
    RateSum total;
    std::vector<EndpointRate> endpoints;
};

struct MonitorGroup {
    GroupView view;
    uint64_t leader_changes = 0;  // since monitoring began
};

struct MonitorService {
    std::string name;
    bool single_active = false;
    RateSum total;
    std::vector<MonitorInstance> instances;
    std::vector<MonitorGroup> groups;
};

struct MonitorFrame {
    wire::SysTime at{};
    std::chrono::milliseconds took{0};  // the STATS round
    std::vector<MonitorService> services;
    std::deque<Happening> recent;  // newest last
    uint64_t events_seen = 0;       // since monitoring began
};

enum class SortKey { name, requests, errors, latency };
const char* sort_name(SortKey k);
SortKey next_sort(SortKey k);
// Sorts services and their instances (busiest first for the rate keys).
void sort_frame(MonitorFrame& frame, SortKey key);
// Keeps services whose name, or instances whose id, contain `text` (case-insensitive).
void filter_frame(MonitorFrame& frame, const std::string& text);

Json to_json(const Happening& h);
// One NDJSON line: {"type":"snapshot", ...} with the happenings since the previous line.
Json to_json(const MonitorFrame& frame, const std::vector<Happening>& fresh);

struct MonitorOptions {
    std::chrono::milliseconds stats_window{120};  // quiet time ending a STATS round
    std::chrono::milliseconds stats_max_wait{700};
    std::chrono::seconds stale_after = registry::k_default_stale_after;
    std::chrono::milliseconds lease_ttl{5000};
    std::string events_subject = "events.>";  // empty: do not watch events
    size_t history = 200;                     // happenings kept for the pane
    std::chrono::seconds bucket_rescan{5};    // look for new election buckets this often
};

class Monitor {
public:
    Monitor(std::shared_ptr<nats::Connection> conn, MonitorOptions options = {});
    ~Monitor();
    Monitor(const Monitor&) = delete;
    Monitor& operator=(const Monitor&) = delete;

    // One STATS round, joined with the watched registry and leaders.
    MonitorFrame tick();
    // Happenings recorded since the last call (for line-per-change output).
    std::vector<Happening> take_new();
    // Totals since monitoring began: duration, requests and errors per endpoint, leader
    // changes, events, happenings by kind.
    Json summary() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace aegis::tool
