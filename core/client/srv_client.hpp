#pragma once
// Scatter-gather over the NATS Services API: one $SRV request, every instance's reply collected
// until `window` passes with no new reply (or `max_wait` in total).
#include <chrono>
#include <functional>
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
    SrvVerb verb = SrvVerb::ping;
};

// Several verbs at once (e.g. PING and INFO for `aegis explore`), collected on one inbox.
struct SrvGather {
    std::vector<SrvVerb> verbs{SrvVerb::ping};
    std::string service;  // narrows to $SRV.<VERB>.<service>
    std::string id;       // and to one instance
    std::chrono::milliseconds window{150};     // quiet time after the last reply that ends it
    std::chrono::milliseconds max_wait{1500};  // in total
    // Optional: once this returns true (every expected instance answered), only `settle` more
    // quiet time is waited for. Called from the gathering thread; may read shared state.
    std::function<bool(const std::vector<SrvReply>&)> complete;
    std::chrono::milliseconds settle{20};
};
std::vector<SrvReply> srv_gather(nats::Connection& conn, const SrvGather& gather);

// `service` and `id` narrow the request ($SRV.PING, $SRV.PING.<service>, $SRV.PING.<s>.<id>).
// Replies whose `type` does not match the verb are dropped.
std::vector<SrvReply> srv_request(nats::Connection& conn, SrvVerb verb,
                                  const std::string& service = {}, const std::string& id = {},
                                  std::chrono::milliseconds window = std::chrono::milliseconds(150),
                                  std::chrono::milliseconds max_wait = std::chrono::milliseconds(1500));

}  // namespace aegis::client
