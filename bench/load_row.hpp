#pragma once
// The `aegis load` rows of bench_rpc: the load generator driving a raw nats.c replier that answers
// every request with one canned aegis response envelope, so that nothing but the generator differs
// from the raw pipeline measured in the same run. Two forms: the engine (core/load) in this
// process, beside its replier as the raw pipeline is, and the real binary as a child process;
// one function, load_rps, for both.
// The goal: >= 0.95x the raw pipeline at the same number in flight, i.e. the generator is never
// what limits a measurement.
#include <nats/nats.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include "core/client/client.hpp"
#include "core/load/engine.hpp"
#include "core/nats/connection.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/envelope.hpp"

extern "C" void natsMsg_free(void* object);  // exported by nats.c 3.4, not declared (rpc_sides)

namespace aegis::bench {

// The canned replier releases its messages as the raw replier of the same run does
// (natsMsg_Destroy, or at once with --raw-free), so the two pipelines differ only in the client.
struct Canned {
    std::string payload;
    bool free_at_once = false;
};

inline void canned_reply(natsConnection* nc, natsSubscription*, natsMsg* m, void* closure) {
    const auto* c = static_cast<const Canned*>(closure);
    if (natsMsg_GetReply(m))
        natsConnection_Publish(nc, natsMsg_GetReply(m), c->payload.data(),
                               static_cast<int>(c->payload.size()));
    if (c->free_at_once) natsMsg_free(m);
    else natsMsg_Destroy(m);
}

inline std::string canned_response() {
    return wire::encode_envelope(
        wire::make_success(std::string("00000000-0000-4000-8000-000000000000"),
                           Json{{"message", "Hello, World!"}}),
        wire::Format::msgpack);
}

inline double engine_rps(const std::string& url, int inflight, double seconds, bool buffered) {
    nats::ConnectOptions co;
    co.servers = {url};
    co.send_asap = !buffered;
    co.adaptive_writes = !buffered;
    load::LoadOptions lo;
    lo.payload.service = "bench-raw";
    lo.payload.method = "echo";
    lo.payload.params = {{"message", "Hello, World!"}};
    lo.concurrency = inflight;
    lo.duration_s = seconds;
    return load::run_load(nats::Connection::connect(co), lo).throughput_rps;
}

// What the `aegis load` process reported: its throughput and its own CPU (its --json report).
struct LoadFigures {
    double rps = 0;
    double cores = 0;           // CPU the generator used, in cores
    double busiest_thread = 0;  // its busiest thread's share of the run
    bool bound = false;         // it said it was the limit
};

inline LoadFigures process_rps(const std::string& aegis, const std::string& url, int inflight,
                               double seconds, int connections) {
    char path[] = "/tmp/aegis-bench-load-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    util::SpawnOptions so;
    so.argv = {aegis, "load", "bench-raw", "echo", "message=Hello, World!", "-c",
               std::to_string(inflight), "--duration", std::to_string(seconds),
               "--connections", std::to_string(connections), "--json", "--server", url, "-q"};
    so.stdout_path = path;
    so.stderr_path = "/dev/null";
    pid_t pid = util::spawn(so);
    util::wait_exit(pid, std::chrono::seconds(static_cast<int>(seconds) + 30));
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::remove(path);
    LoadFigures f;
    try {
        Json j = wire::from_json(text.str());
        f.rps = j.at("throughput_rps").get<double>();
        const Json& g = j.at("generator");
        f.cores = g.at("cores").get<double>();
        f.busiest_thread = g.at("busiest_thread").get<double>();
        f.bound = g.at("bound").get<bool>();
    } catch (const std::exception&) {
    }
    return f;
}

// Calls per second that `aegis load` reached at `inflight` against the canned replier, closed
// model: the engine (load::run_load) in this process when `aegis` is empty, else that binary as a
// child process, as its --json report gives them (0 when it failed), over `connections`.
inline LoadFigures load_rps(const std::string& url, int inflight, double seconds, bool buffered,
                            bool raw_free, const std::string& aegis = {}, int connections = 1) {
    Canned canned{canned_response(), raw_free};
    natsOptions* o = nullptr;
    natsOptions_Create(&o);
    natsOptions_SetURL(o, url.c_str());
    natsOptions_SetSendAsap(o, !buffered);
    natsConnection* srv = nullptr;
    natsConnection_Connect(&srv, o);
    natsSubscription* sub = nullptr;
    natsConnection_Subscribe(&sub, srv, "rpc.bench-raw.echo", canned_reply, &canned);
    natsConnection_Flush(srv);
    LoadFigures f = aegis.empty() ? LoadFigures{engine_rps(url, inflight, seconds, buffered)}
                                  : process_rps(aegis, url, inflight, seconds, connections);
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(srv);
    natsOptions_Destroy(o);
    return f;
}

}  // namespace aegis::bench
