#pragma once
// JetStream streams and publishing. Streams are created only when missing, never reconfigured.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/nats/connection.hpp"

namespace aegis::nats {

enum class Retention { limits, interest, workqueue };

struct StreamConfig {
    std::string name;
    std::vector<std::string> subjects;
    Retention retention = Retention::limits;
    int64_t max_msgs = -1;
    std::chrono::nanoseconds max_age{0};
    std::chrono::nanoseconds duplicate_window{0};  // 0: server default (2 min)
    int replicas = 0;  // 0: the connection's (storage_replicas in core/nats/kv.hpp)
};

// Where a stream's replicas live (a clustered server); empty name on a single server.
struct StreamPeer {
    std::string name;
    bool current = false;  // caught up with the leader
    bool offline = false;
};

struct StreamInfo {
    StreamConfig config;
    std::string cluster_name;
    std::string leader;
    std::vector<StreamPeer> peers;  // the replicas other than the leader
    uint64_t messages = 0;
    uint64_t bytes = 0;
    uint64_t first_seq = 0;
    uint64_t last_seq = 0;
    int64_t consumers = 0;
};

// nullopt when the stream does not exist; UnavailableError when JetStream is off.
std::optional<StreamInfo> stream_info(Connection& conn, const std::string& name);
// Creates the stream when it is missing; an existing stream is used as it is. Returns true when
// this call created it.
bool ensure_stream(Connection& conn, const StreamConfig& config);

struct PubAck {
    std::string stream;
    uint64_t seq = 0;
    bool duplicate = false;
};

// Publishes into a stream and waits for the PubAck. `msg_id` becomes Nats-Msg-Id (the server
// drops a duplicate within its window). Replies that are empty or not PubAck JSON (Python
// wildcard subscribers "ack" events with empty messages, docs/protocol.md §4.5) are ignored.
PubAck js_publish(Connection& conn, const std::string& subject, std::string_view data,
                  const std::string& msg_id, milliseconds timeout = milliseconds(5000),
                  const Headers& extra_headers = {});

}  // namespace aegis::nats
