#pragma once
// Small loopback network probes.
#include <chrono>
#include <string>

namespace aegis::util {

// Connects to host:port and reads the server's greeting; true when it starts with "INFO ".
bool probe_nats(const std::string& host, int port,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
// True when something accepts TCP connections on host:port.
bool port_open(const std::string& host, int port,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(500));
// A connected TCP socket (non-blocking, close-on-exec) to host:port, or -1 after `timeout`.
int connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);
// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_port();

}  // namespace aegis::util
