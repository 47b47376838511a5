#pragma once
// Monitor's private state, shared by monitor.cpp (ticks, frames, summary) and monitor_watch.cpp
// (leader watches, events, happenings). Not installed; include only from those two files.
#include <cctype>
#include <map>
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <vector>
#include <string>
#include <set>

#include <fmt/format.h>

#include "core/tool/monitor.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/discovery.hpp"
#include "core/util/text.hpp"

namespace aegis::tool {

namespace monitor_detail {

using Key = std::pair<std::string, std::string>;  // service, instance

inline std::string plural(size_t n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

inline std::string who(const Key& k) { return k.first + "/" + k.second; }

// Counts events.> traffic; shared with the subscription callback so it may outlive the Monitor.
struct EventCounter {
    std::mutex mutex;
    std::map<std::string, uint64_t> since_tick;
    std::map<std::string, uint64_t> totals;
    uint64_t seen = 0;
};

}  // namespace monitor_detail

struct Monitor::Impl {
    using Key = monitor_detail::Key;
    using EventCounter = monitor_detail::EventCounter;
    std::shared_ptr<nats::Connection> conn;
    MonitorOptions o;
    std::unique_ptr<registry::Registry> registry;
    std::unique_ptr<registry::DiscoveryCache> cache;
    RateTracker rates;
    wire::SysTime started_at = std::chrono::system_clock::now();
    std::chrono::steady_clock::time_point last_rescan{};
    std::shared_ptr<EventCounter> events = std::make_shared<EventCounter>();
    nats::Subscription events_sub;

    struct LeaderSlot {
        std::optional<client::LeaderInfo> current;
        std::string last_instance;
        uint64_t changes = 0;
    };
    struct BucketWatch {
        std::unique_ptr<nats::KeyValue> kv;
        std::unique_ptr<nats::KvWatch> watch;
        bool ready = false;
        bool report_initial = false;  // found after monitoring began: its first leader is news
    };

    std::mutex mutex;  // guards everything below (watch threads write here)
    std::map<std::string, LeaderSlot> leaders;  // "<service>\n<group>"
    std::map<std::string, std::shared_ptr<BucketWatch>> buckets;
    std::deque<Happening> recent;
    std::vector<Happening> fresh;
    std::map<std::string, uint64_t> kinds;
    std::map<Key, InstanceState> prev_states;
    std::map<Key, client::SrvReply> last_replies;  // one round of grace for a late STATS reply
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<uint64_t, uint64_t>>
        observed;  // requests, errors per endpoint while we watched
    uint64_t ticks = 0;

    void record(Happening h) {
        h.at = std::chrono::system_clock::now();
        kinds[h.kind]++;
        fresh.push_back(h);
        recent.push_back(std::move(h));
        while (recent.size() > o.history) recent.pop_front();
    }

    void on_leader(const std::string& bucket, const nats::KeyValue::WatchEvent& ev);
    std::vector<client::SrvReply> stats_round(const std::vector<registry::Listed>& entries,
                                      std::chrono::milliseconds& took);
    std::vector<client::SrvReply> with_grace(std::vector<client::SrvReply> replies,
                                     const std::vector<registry::Listed>& entries);
    void scan_buckets(bool initial);
    void diff_states(const SystemSnapshot& snap);
    void drain_events();
    MonitorFrame build(const SystemSnapshot& snap);
};

}  // namespace aegis::tool
