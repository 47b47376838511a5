#pragma once
// Which KV buckets exist: a KV bucket is the JetStream stream KV_<bucket>.
#include <string>
#include <string_view>
#include <vector>

namespace aegis::nats {

class Connection;

// Names of the KV buckets whose name starts with `prefix` (e.g. "election_"), sorted.
// UnavailableError when JetStream does not answer.
std::vector<std::string> kv_bucket_names(Connection& conn, std::string_view prefix = {});

}  // namespace aegis::nats
