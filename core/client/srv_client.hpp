#pragma once
// Scatter-gather over the NATS Services API: one $SRV request, every instance's reply collected
// until `window` passes with no new reply (or `max_wait` in total).
#include <chrono>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::client {

enum class SrvVerb { ping, info, stats };

struct SrvReply {
    Json body;
    std::chrono::nanoseconds rtt{0};  // from the request to this reply
};

// `service` and `id` narrow the request ($SRV.PING, $SRV.PING.<service>, $SRV.PING.<s>.<id>).
// Replies whose `type` does not match the verb are dropped.
std::vector<SrvReply> srv_request(nats::Connection& conn, SrvVerb verb,
                                  const std::string& service = {}, const std::string& id = {},
                                  std::chrono::milliseconds window = std::chrono::milliseconds(150),
                                  std::chrono::milliseconds max_wait = std::chrono::milliseconds(1500));

}  // namespace aegis::client
