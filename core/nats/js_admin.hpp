#pragma once
// JetStream housekeeping through the JSON API ($JS.API.*): list and delete streams and
// consumers, purge one subject's messages, count them. What `aegis test` needs to remove
// everything a run created and to prove nothing is left.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace aegis::nats {

class Connection;

std::vector<std::string> stream_names(Connection& conn);
std::vector<std::string> consumer_names(Connection& conn, const std::string& stream);
bool delete_stream(Connection& conn, const std::string& stream);  // false when it was missing
// Removes the messages of `stream` whose subject matches `filter` (wildcards allowed).
void purge_subject(Connection& conn, const std::string& stream, const std::string& filter);
// The subjects of `stream` matching `filter`, with how many messages each holds.
std::map<std::string, uint64_t> stream_subjects(Connection& conn, const std::string& stream,
                                                const std::string& filter = ">");
// The messages of `stream` on subjects matching `filter` whose body contains `needle` (looking
// at no more than `max_scan` messages): how many, deleting them when `erase`.
size_t messages_containing(Connection& conn, const std::string& stream, const std::string& filter,
                           const std::string& needle, bool erase, size_t max_scan = 20000);
// Messages in `stream` on subjects matching `filter`.
uint64_t subject_messages(Connection& conn, const std::string& stream, const std::string& filter);

}  // namespace aegis::nats
