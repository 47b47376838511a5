#include "core/fault/upstream.hpp"
#include <string>

#include <arpa/inet.h>

#include "core/util/error.hpp"
#include "core/util/visible.hpp"

namespace aegis::fault {

namespace {

bool loopback_v4(const std::string& host) {
    in_addr a{};
    if (inet_pton(AF_INET, host.c_str(), &a) != 1) return false;
    return (ntohl(a.s_addr) >> 24) == 127;
}

}  // namespace

Upstream parse_upstream(const std::string& url) {
    Upstream u;
    if (url.find(',') != std::string::npos)
        throw UsageError("the fault proxy forwards to one server, not a list ('" +
                             util::visible(url) + "')",
                         "give one loopback URL, e.g. nats://127.0.0.1:4222");
    std::string rest = url;
    if (auto at = rest.find("://"); at != std::string::npos) {
        u.scheme = rest.substr(0, at + 3);
        rest = rest.substr(at + 3);
    } else {
        u.scheme.clear();
    }
    if (auto at = rest.rfind('@'); at != std::string::npos) {
        u.userinfo = rest.substr(0, at + 1);
        rest = rest.substr(at + 1);
    }
    if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
    u.host = rest;
    if (auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == rest.npos) {
        u.host = rest.substr(0, colon);
        try {
            size_t used = 0;
            u.port = std::stoi(rest.substr(colon + 1), &used);
            if (used != rest.size() - colon - 1) throw std::invalid_argument("port");
        } catch (const std::exception&) {
            u.port = -1;
        }
        if (u.port < 1 || u.port > 65535)
            throw UsageError("bad port in the NATS URL '" + util::visible(url) + "'");
    }
    if (u.host == "localhost") u.address = "127.0.0.1";
    else if (loopback_v4(u.host)) u.address = u.host;
    else
        throw UsageError("network faults are injected only on loopback: '" +
                             util::visible(u.host) + "' is not 127.0.0.0/8 or localhost",
                         "run the instances against a local nats-server ('aegis up', or "
                         "'aegis test --local')");
    return u;
}

std::string proxied_url(const Upstream& u, int port) {
    return (u.scheme.empty() ? std::string("nats://") : u.scheme) + u.userinfo + "127.0.0.1:" +
           std::to_string(port);
}

}  // namespace aegis::fault
