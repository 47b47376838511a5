#pragma once
// JetStream housekeeping through the JSON API ($JS.API.*): list and delete streams and
// consumers, purge one subject's messages, count them. What `aegis test` needs to remove
// everything a run created and to prove nothing is left.
#include <cstdint>
#include <string>
#include <vector>

namespace aegis::nats {

class Connection;

std::vector<std::string> stream_names(Connection& conn);
std::vector<std::string> consumer_names(Connection& conn, const std::string& stream);
bool delete_stream(Connection& conn, const std::string& stream);  // false when it was missing
// Removes the messages of `stream` whose subject matches `filter` (wildcards allowed).
void purge_subject(Connection& conn, const std::string& stream, const std::string& filter);
// Messages in `stream` on subjects matching `filter`.
uint64_t subject_messages(Connection& conn, const std::string& stream, const std::string& filter);

}  // namespace aegis::nats
