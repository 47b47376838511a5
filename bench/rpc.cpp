// bench_rpc: aegis RPC against raw nats.c on the same machine, in the same run.
//   (a) raw nats.c request/reply against a trivial nats.c replier (echoes the bytes)
//   (b) the aegis client against an aegis Service echo (msgpack envelopes both ways)
// Sequential p50/p90/p99 and throughput with 1, 16 and 64 requests in flight, ratios aegis/raw,
// `aegis load -c 64` itself against a raw replier (bench/load_row.hpp),
// the wall time of a one-shot `aegis call`, and the resident memory of an idle `aegis demo echo`.
// Usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--rounds R] [--only raw|aegis] [--buffered] [--aegis PATH]
#include <nats/nats.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/client/async_caller.hpp"
#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"
#include "core/util/histogram.hpp"
#include "core/util/log.hpp"
#include "bench/bench_server.hpp"
#include "bench/load_row.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/wire/envelope.hpp"

using namespace aegis;
using Clock = std::chrono::steady_clock;

namespace {

const int k_inflight[3] = {1, 16, 64};

struct Args {
    std::string server;
    double seconds = 2.0;
    int sequential = 3000;
    int rounds = 3;
    bool buffered = false;  // --buffered: nats.c's flusher thread instead of a write per message
    std::string only;  // "raw" or "aegis" to run one side (for profiling)
    std::string aegis;
};

struct Figures {
    double p50 = 0, p90 = 0, p99 = 0;  // microseconds, sequential
    double rps[3] = {0, 0, 0};         // 1, 16, 64 in flight
    double cpu_us = 0;                 // this process's CPU per call at 64 in flight
    double server_cpu_us = 0;          // nats-server's CPU per call at 64 in flight (when we run it)
    double switches = 0;               // this process's context switches per call at 64 in flight
};

double self_switches() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_nvcsw + ru.ru_nivcsw);
}

pid_t g_server_pid = 0;

// CPU seconds (user + system) used so far by this process, or by the nats-server we started.
double self_cpu() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double server_cpu() {
    if (!g_server_pid) return 0;
    std::ifstream in("/proc/" + std::to_string(g_server_pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i)
        if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Runs `level` for a.seconds and returns calls per second; at 64 in flight also the CPU per call.
template <class Start, class Count>
double measure(const Args& a, int k, Figures& f, Start start, Count count) {
    double c0 = self_cpu(), s0 = server_cpu(), w0 = self_switches();
    auto t0 = Clock::now();
    start(k_inflight[k]);
    std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
    long n = count();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (k == 2 && n > 0) {
        f.cpu_us = (self_cpu() - c0) / n * 1e6;
        f.server_cpu_us = (server_cpu() - s0) / n * 1e6;
        f.switches = (self_switches() - w0) / n;
    }
    return n / secs;
}


double pct(const std::vector<double>& v, double q) {
    util::Histogram h(1000.0);  // microseconds at nanosecond resolution
    for (double x : v) h.record(x);
    return h.percentile(q);
}

void fill_percentiles(Figures& f, const std::vector<double>& us) {
    f.p50 = pct(us, 0.5);
    f.p90 = pct(us, 0.9);
    f.p99 = pct(us, 0.99);
}

// ---- raw nats.c ----
void raw_reply(natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
    if (natsMsg_GetReply(m))
        natsConnection_Publish(nc, natsMsg_GetReply(m), natsMsg_GetData(m), natsMsg_GetDataLength(m));
    natsMsg_Destroy(m);
}

// Like any client that must tell its replies apart (nats.c's own request mux does the same), the raw
// pipeline gives each request its own reply subject <inbox>.<n> under one wildcard subscription.
struct RawPipe {
    natsConnection* nc;
    std::string inbox;
    std::atomic<uint64_t> next{0};
    std::string reply_subject() { return inbox + "." + std::to_string(++next); }
    std::string payload;
    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
};

void raw_pipe_reply(natsConnection* nc, natsSubscription*, natsMsg* m, void* c) {
    auto* p = static_cast<RawPipe*>(c);
    natsMsg_Destroy(m);
    ++p->done;
    if (!p->stop)
        natsConnection_PublishRequest(nc, "bench.raw", p->reply_subject().c_str(), p->payload.data(),
                                      static_cast<int>(p->payload.size()));
}

Figures bench_raw(const std::string& url, const std::string& payload, const Args& a) {
    Figures f;
    natsOptions* o = nullptr;
    natsOptions_Create(&o);
    natsOptions_SetURL(o, url.c_str());
    natsOptions_SetSendAsap(o, !a.buffered);
    natsConnection *srv = nullptr, *cli = nullptr;
    natsConnection_Connect(&srv, o);
    natsConnection_Connect(&cli, o);
    natsSubscription* sub = nullptr;
    natsConnection_Subscribe(&sub, srv, "bench.raw", raw_reply, nullptr);
    natsConnection_Flush(srv);
    std::vector<double> us;
    for (int i = 0; i < a.sequential; ++i) {
        natsMsg* reply = nullptr;
        auto t0 = Clock::now();
        natsConnection_Request(&reply, cli, "bench.raw", payload.data(), static_cast<int>(payload.size()), 5000);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        natsMsg_Destroy(reply);
    }
    fill_percentiles(f, us);
    for (int k = 0; k < 3; ++k) {
        RawPipe p;
        p.nc = cli;
        p.payload = payload;
        natsInbox* inbox = nullptr;
        natsInbox_Create(&inbox);
        p.inbox = inbox;
        natsInbox_Destroy(inbox);
        natsSubscription* rs = nullptr;
        natsConnection_Subscribe(&rs, cli, (p.inbox + ".*").c_str(), raw_pipe_reply, &p);
        natsConnection_Flush(cli);
        f.rps[k] = measure(
            a, k, f,
            [&](int inflight) {
                for (int i = 0; i < inflight; ++i)
                    natsConnection_PublishRequest(cli, "bench.raw", p.reply_subject().c_str(), payload.data(),
                                                  static_cast<int>(payload.size()));
            },
            [&] { return p.done.load(); });
        p.stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        natsSubscription_Unsubscribe(rs);
        natsSubscription_Destroy(rs);
    }
    natsSubscription_Destroy(sub);
    natsConnection_Destroy(srv);
    natsConnection_Destroy(cli);
    natsOptions_Destroy(o);
    return f;
}

// ---- aegis ----
Figures bench_aegis(const std::string& url, const Args& a) {
    Figures f;
    nats::ConnectOptions co;
    co.servers = {url};
    co.send_asap = !a.buffered;
    ServiceOptions so;
    so.name = "bench-echo";
    so.instance_id = "bench-echo-1";
    Service svc(nats::Connection::connect(co), so);
    svc.rpc("echo", [](const Json& p) { return p; });
    svc.start();
    auto conn = nats::Connection::connect(co);
    Client client(conn);
    Json params = {{"message", "Hello, World!"}};
    std::vector<double> us;
    for (int i = 0; i < a.sequential; ++i) {
        auto t0 = Clock::now();
        client.call_raw("bench-echo", "echo", params);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    fill_percentiles(f, us);
    client::AsyncCaller caller(conn);
    for (int k = 0; k < 3; ++k) {
        std::atomic<long> done{0};
        std::atomic<bool> stop{false};
        CallOptions opts;
        std::function<void(client::AsyncReply&&)> next;
        next = [&](client::AsyncReply&& r) {
            if (r.ok && r.response.success) ++done;
            if (!stop) caller.call("bench-echo", "echo", params, opts, next);
        };
        f.rps[k] = measure(
            a, k, f,
            [&](int inflight) {
                for (int i = 0; i < inflight; ++i) caller.call("bench-echo", "echo", params, opts, next);
            },
            [&] { return done.load(); });
        stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    svc.stop();
    return f;
}

std::string request_payload() {
    CallOptions o;
    o.source = "echo-client-9d0c7b55";
    return encode_request("bench-echo", "echo", {{"message", "Hello, World!"}}, o);
}

// CPU time of the envelope work one aegis call does (encode the request, decode it in the service,
// encode the response, decode it in the client), without NATS: the protocol's own cost.
double codec_us_per_call() {
    CallOptions o;
    o.source = "echo-client-9d0c7b55";
    Json params = {{"message", "Hello, World!"}};
    const int n = 20000;
    double c0 = self_cpu();
    size_t sink = 0;
    for (int i = 0; i < n; ++i) {
        std::string req = encode_request("bench-echo", "echo", params, o);
        auto decoded = wire::decode_rpc_request(req);
        auto resp = wire::make_success(decoded.header.message_id, decoded.params);
        std::string out = wire::encode_envelope(resp, wire::Format::msgpack);
        sink += wire::decode_rpc_response(out).success;
    }
    double us = (self_cpu() - c0) / n * 1e6;
    return sink ? us : 0;
}

double one_shot_ms(const std::string& aegis, const std::string& url) {
    std::vector<double> ms;
    for (int i = 0; i < 21; ++i) {
        util::SpawnOptions so;
        so.argv = {aegis, "call", "bench-echo", "echo", "message=hi", "--server", url, "-q"};
        so.stdout_path = "/dev/null";
        so.stderr_path = "/dev/null";
        auto t0 = Clock::now();
        pid_t pid = util::spawn(so);
        util::wait_exit(pid, std::chrono::seconds(10));
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    return pct(ms, 0.5);
}

double idle_rss_mb(const std::string& aegis, const std::string& url) {
    util::SpawnOptions so;
    so.argv = {aegis, "demo", "echo", "--server", url, "-q"};
    so.stdout_path = "/dev/null";
    so.stderr_path = "/dev/null";
    pid_t pid = util::spawn(so);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    double kb = 0;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) kb = std::stod(line.substr(6));
    util::terminate(pid);
    return kb / 1024.0;
}

Figures median(const std::vector<Figures>& v) {
    auto med = [&](auto field) {
        std::vector<double> xs;
        for (auto& f : v) xs.push_back(field(f));
        return pct(xs, 0.5);
    };
    Figures m;
    m.p50 = med([](const Figures& f) { return f.p50; });
    m.p90 = med([](const Figures& f) { return f.p90; });
    m.p99 = med([](const Figures& f) { return f.p99; });
    for (int k = 0; k < 3; ++k) m.rps[k] = med([k](const Figures& f) { return f.rps[k]; });
    m.cpu_us = med([](const Figures& f) { return f.cpu_us; });
    m.server_cpu_us = med([](const Figures& f) { return f.server_cpu_us; });
    m.switches = med([](const Figures& f) { return f.switches; });
    return m;
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string k = argv[i];
        if (k == "--buffered") {
            a.buffered = true;
            continue;
        }
        if (i + 1 >= argc) break;  // an option without its value
        const char* v = argv[++i];
        if (k == "--server") a.server = v;
        else if (k == "--seconds") a.seconds = std::stod(v);
        else if (k == "--sequential") a.sequential = std::stoi(v);
        else if (k == "--aegis") a.aegis = v;
        else if (k == "--only") a.only = v;
        else if (k == "--rounds") a.rounds = std::max(1, std::stoi(v));
    }
    if (a.aegis.empty()) {
        auto self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
        a.aegis = (self.parent_path() / "app" / "aegis").string();
    }
    return a;
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parse(argc, argv);
    log::set_level(log::Level::warn);
    bench::BenchServer server(a.server);
    g_server_pid = server.pid();
    std::printf("bench_rpc: server %s, %d sequential calls, %.1f s per in-flight level, %d rounds, %u cores, %s\n",
                a.server.c_str(), a.sequential, a.seconds, a.rounds, std::thread::hardware_concurrency(),
                a.buffered ? "buffered writes (nats.c flusher) on both sides" : "a write per message (SendAsap) on both sides");
    std::string payload = request_payload();
    // Alternate raw and aegis rounds so that both see the same machine; report the medians.
    std::vector<Figures> raws, aes;
    // `aegis load -c 64` against a raw replier (bench/load_row.hpp): the engine here, the binary
    std::vector<double> engines, loads;
    bool with_load = a.only.empty() && access(a.aegis.c_str(), X_OK) == 0;
    for (int r = 0; r < a.rounds; ++r) {
        raws.push_back(a.only == "aegis" ? Figures{} : bench_raw(a.server, payload, a));
        aes.push_back(a.only == "raw" ? Figures{} : bench_aegis(a.server, a));
        if (a.only.empty()) engines.push_back(bench::engine_load_rps(a.server, 64, a.seconds, a.buffered));
        if (with_load) loads.push_back(bench::aegis_load_rps(a.aegis, a.server, 64, a.seconds, a.buffered));
    }
    Figures raw = median(raws), ae = median(aes);
    std::printf("\n%-28s %12s %12s %8s\n", "", "raw nats.c", "aegis", "ratio");
    auto row = [](const char* name, double r, double x, const char* unit) {
        std::printf("%-28s %9.1f %-2s %9.1f %-2s %7.2fx\n", name, r, unit, x, unit, r > 0 ? x / r : 0);
    };
    row("sequential p50", raw.p50, ae.p50, "us");
    row("sequential p90", raw.p90, ae.p90, "us");
    row("sequential p99", raw.p99, ae.p99, "us");
    row("throughput, 1 in flight", raw.rps[0], ae.rps[0], "/s");
    row("throughput, 16 in flight", raw.rps[1], ae.rps[1], "/s");
    row("throughput, 64 in flight", raw.rps[2], ae.rps[2], "/s");
    double engine = engines.empty() ? 0 : pct(engines, 0.5);
    double load = loads.empty() ? 0 : pct(loads, 0.5);
    if (!engines.empty()) row("load engine, 64 in flight", raw.rps[2], engine, "/s");
    if (with_load) row("'aegis load' process, 64", raw.rps[2], load, "/s");
    row("client+service CPU per call", raw.cpu_us, ae.cpu_us, "us");
    row("context switches per call", raw.switches, ae.switches, "");
    if (g_server_pid) row("nats-server CPU per call", raw.server_cpu_us, ae.server_cpu_us, "us");
    std::printf("(medians of %d alternating rounds; CPU per call at 64 in flight)\n", a.rounds);
    std::printf("aegis envelope work per call (encode + decode, both ways, no NATS): %.1f us CPU\n",
                codec_us_per_call());
    if (!a.buffered) {  // the goals are about the default mode
        std::printf("\ngoals: p50 ratio <= 1.20 (%s), 64-in-flight throughput ratio >= 0.80 (%s)\n",
                    ae.p50 / raw.p50 <= 1.2 ? "met" : "missed",
                    ae.rps[2] / raw.rps[2] >= 0.8 ? "met" : "missed");
        if (!engines.empty())
            std::printf("goal: the load engine >= 0.95x the raw pipeline at 64 in flight (%s; "
                        "the 'aegis load' process: %.2fx)\n",
                        engine / raw.rps[2] >= 0.95 ? "met" : "missed",
                        raw.rps[2] > 0 ? load / raw.rps[2] : 0);
    }
    if (access(a.aegis.c_str(), X_OK) == 0) {
        double shot = one_shot_ms(a.aegis, a.server);
        double rss = idle_rss_mb(a.aegis, a.server);
        std::printf("one-shot 'aegis call' wall time (median of 21): %.1f ms (goal <= 30 ms)\n", shot);
        std::printf("idle 'aegis demo echo' resident memory: %.1f MB (goal <= 10 MB)\n", rss);
    } else {
        std::printf("(aegis binary not found at %s: skipped one-shot and RSS)\n", a.aegis.c_str());
    }
    return 0;
}
