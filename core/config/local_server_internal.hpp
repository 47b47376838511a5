#pragma once
// Shared by local_server.cpp (one server, state file) and local_cluster.cpp (a cluster).
#include <sys/types.h>

#include <optional>
#include <string>

#include "core/config/local_server.hpp"

namespace aegis::config {

namespace local_detail {

void save(const LocalServer& s);
std::optional<LocalServer> load();
bool ours(pid_t pid);  // alive and a nats-server (for a process this run just started)
// The pid is still the nats-server 'aegis up' recorded: its start time and command line match
// (pids are reused, even by another nats-server). Records from before those were kept need the
// command line 'aegis up' gives: its port and server name.
bool proven_ours(pid_t pid, unsigned long long start_time, const std::string& cmdline, int port,
                 const std::string& server_name);
void record_identity(pid_t pid, unsigned long long& start_time, std::string& cmdline);
void warn_not_ours(pid_t pid);
void port_must_be_free(int port);
void wait_ready(pid_t pid, int port, const std::string& log_file);
std::string nats_server_exe();

}  // namespace local_detail

// local_cluster.cpp
LocalServer start_cluster(const UpOptions& options, bool* started);
// Starts the recorded nodes that no longer run, on their ports and stores.
LocalServer restart_nodes(LocalServer s, bool* started);

}  // namespace aegis::config
