#pragma once
// Where a fault proxy forwards to: the host and port of one NATS URL, loopback only — the
// proxy is a test tool and must never become a relay to another machine.
#include <string>

namespace aegis::fault {

struct Upstream {
    std::string scheme = "nats://";  // as given (empty when the URL had none)
    std::string userinfo;            // "user:pass@" as given, kept for the proxy's URL
    std::string host;                // as given
    std::string address;             // the IPv4 address to connect to (127.x.y.z)
    int port = 4222;
};

// UsageError for a list of URLs, a host that is not loopback (127.0.0.0/8 or localhost) or a
// bad port.
Upstream parse_upstream(const std::string& url);
// The URL a client uses to reach `port` on 127.0.0.1 the way it reached `u`.
std::string proxied_url(const Upstream& u, int port);

}  // namespace aegis::fault
