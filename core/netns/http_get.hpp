#pragma once
// A minimal HTTP GET for nats-server's monitoring port on a private address (routes, health).
#include <chrono>
#include <string>

namespace aegis::netns {

// GET http://host:port/path, the body; empty on any failure, a status other than 200 or timeout.
std::string http_get(const std::string& host, int port, const std::string& path,
                     std::chrono::milliseconds timeout);

}  // namespace aegis::netns
