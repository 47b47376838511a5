#pragma once
// JetStream push consumers: create / look up / delete durables, and acknowledge the messages
// they deliver. Deliveries are received with a plain (queue) subscription on the consumer's
// deliver subject — exactly how nats-py binds to a shared durable, so Python and C++ members of
// one deliver group share the load (docs/protocol.md §4.4).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/nats/connection.hpp"

namespace aegis::nats {

enum class DeliverPolicy { all, last, new_, by_start_time };

struct ConsumerConfig {
    std::string stream;
    std::string durable;          // empty: an ephemeral consumer
    std::string filter_subject;   // empty: the whole stream
    std::string deliver_subject;  // empty on create: a fresh inbox
    std::string deliver_group;    // empty: no group (one subscriber only)
    DeliverPolicy deliver_policy = DeliverPolicy::all;
    std::chrono::system_clock::time_point start_time{};  // for DeliverPolicy::by_start_time
    bool ack_none = false;          // false: explicit acks
    int64_t max_deliver = -1;       // -1: unlimited
    milliseconds ack_wait{30000};
    int64_t max_ack_pending = -1;   // -1: server default
    // The server deletes the consumer after this long without a subscriber (0: never).
    std::chrono::nanoseconds inactive_threshold{0};
    std::string description;
};

struct ConsumerInfo {
    ConsumerConfig config;
    std::string name;  // the durable name, or the server-chosen name of an ephemeral
    bool push_bound = false;  // someone is subscribed to the deliver subject
    uint64_t num_pending = 0;
    int64_t num_ack_pending = 0;
    int64_t num_redelivered = 0;
};

// nullopt when the stream or the consumer does not exist.
std::optional<ConsumerInfo> consumer_info(Connection& conn, const std::string& stream,
                                          const std::string& durable);
// Creates the consumer (a fresh inbox as deliver subject when none is given). When a durable
// of that name appears concurrently (another instance won the race) its info is returned.
ConsumerInfo add_consumer(Connection& conn, const ConsumerConfig& config);
// A deliver subject that is the same for every process creating `durable`: concurrent
// creates then carry identical configurations (a fresh inbox each would make the server
// update the consumer, leaving earlier creators subscribed to a dead subject).
std::string deliver_subject_for(const std::string& stream, const std::string& durable);
// True when it existed.
bool delete_consumer(Connection& conn, const std::string& stream, const std::string& durable);

// Where a JetStream delivery came from, parsed from its $JS.ACK reply subject.
struct JsMeta {
    std::string stream;
    std::string consumer;
    uint64_t delivered = 1;  // 1 on the first delivery
    uint64_t stream_seq = 0;
    uint64_t consumer_seq = 0;
    int64_t timestamp_ns = 0;
    uint64_t pending = 0;
};
// nullopt when `reply` is not a JetStream ack subject (a core NATS message).
std::optional<JsMeta> parse_ack_subject(std::string_view reply);
bool is_jetstream_delivery(const Msg& m);

// Acknowledgements, fire-and-forget publishes to the delivery's reply subject. No-ops for a
// message that is not a JetStream delivery (a core subscriber must never reply to an event).
void ack(Connection& conn, const Msg& m);
void nak(Connection& conn, const Msg& m, milliseconds delay = milliseconds(0));
void term(Connection& conn, const Msg& m);         // never redeliver
void in_progress(Connection& conn, const Msg& m);  // reset the ack timer

}  // namespace aegis::nats
