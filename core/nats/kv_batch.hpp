#pragma once
// The last value of many keys of one bucket in a few round trips: direct gets
// ($JS.API.DIRECT.GET.KV_<bucket>.<subject>), each on its own reply subject under one inbox, a
// bounded number in flight. Answered by whichever live replica of the stream takes it, like
// kvStore_Get on a bucket that allows direct gets; no consumer is involved (see KeyValue::entries).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/nats/kv.hpp"

namespace aegis::nats {

// At most this many gets wait for their answer at once (the inbox's queue stays small).
inline constexpr size_t k_kv_batch_window = 256;

// One result per key, in the order of `keys`: the entry (delete and purge markers included, as
// op says), or nullopt when the key has no message. Throws TimeoutError when no answer came for
// `timeout`, UnavailableError when the stream refused a get.
std::vector<std::optional<KvEntry>> kv_direct_get_last(Connection& conn,
                                                       const std::string& bucket,
                                                       const std::vector<std::string>& keys,
                                                       milliseconds timeout);

}  // namespace aegis::nats
