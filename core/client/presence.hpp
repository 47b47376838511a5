#pragma once
// Why a call or a command found nobody, said precisely: is the service registered at all (and is
// there one with a near name), does it answer the NATS Services API, which methods does it list.
// Only read: the registry bucket is never created here. Bounded: a few hundred ms at most.
#include <memory>
#include <string>
#include <vector>

#include "core/util/error.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::client {

struct Presence {
    size_t live = 0;   // registered instances with a recent heartbeat
    size_t stale = 0;  // registered, heartbeat too old
    std::string nearest;  // a registered service whose name is close to the one asked for
    bool known = true;    // false: the registry did not answer in time (JetStream in trouble)
};

// What the registry says about `service`; every request waits at most 300 ms, so a JetStream
// that does not answer (a cluster electing its leader) cannot hold up a failed call's error.
Presence presence_of(const std::shared_ptr<nats::Connection>& conn, const std::string& service);

// The methods `service`'s instances list in $SRV.INFO (empty: none answered, e.g. Python ones).
std::vector<std::string> srv_methods(nats::Connection& conn, const std::string& service);

// The same, with those of them a single-active service runs on its leader only (endpoint
// metadata "exclusive": "true"), both sorted.
struct AnnouncedMethods {
    std::vector<std::string> all, exclusive;
};
AnnouncedMethods announced_methods(nats::Connection& conn, const std::string& service);

// Before a run that calls `method` of `service` many times (failover, load): DataError (65)
// naming the methods the service announces in $SRV.INFO when `method` is not one of them, with
// a did-you-mean or else `hint`. Returns false when no instance answered INFO (none running
// yet, or an SDK without the Services API): there is nothing to check against; else true.
bool require_announced_method(nats::Connection& conn, const std::string& service,
                              const std::string& method, const std::string& hint);

// The error for "no responders on rpc.SERVICE.METHOD": a missing method names the ones there
// are, an unregistered service says so (with "did you mean"), else the plain no-responders text.
NoRespondersError explain_no_responders(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service, const std::string& method);

}  // namespace aegis::client
