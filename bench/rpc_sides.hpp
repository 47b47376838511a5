#pragma once
// The two sides bench_rpc compares. Both stay connected for the whole run so that their
// measurements can alternate in short slices: on a shared machine the load changes from one
// second to the next, and only figures taken side by side can be compared.
#include <memory>
#include <string>

namespace aegis::bench {

class Side {
public:
    virtual ~Side() = default;
    // One request/reply, waiting for the answer.
    virtual void call_once() = 0;
    // Keeps `inflight` calls in flight (each reply sends the next) until stop().
    virtual void start(int inflight) = 0;
    // Calls answered since start().
    virtual long completed() const = 0;
    // Stops sending and waits (bounded) until the calls in flight have landed.
    virtual void stop() = 0;
};

struct SideOptions {
    std::string url;
    bool buffered = false;  // nats.c's flusher thread instead of a write per message
    bool raw_free = false;  // raw frees its messages at once, as aegis does
    bool asap = false;      // aegis writes every message at once instead of adaptively
};

// raw nats.c: natsConnection_Request, and PublishRequest with a reply subject per call under
// one wildcard subscription, against a nats.c replier that echoes the bytes of `payload`.
std::unique_ptr<Side> raw_side(const SideOptions& o, const std::string& payload);
// aegis: Client::call_raw and client::AsyncCaller against an aegis::Service echo.
std::unique_ptr<Side> aegis_side(const SideOptions& o);

}  // namespace aegis::bench
