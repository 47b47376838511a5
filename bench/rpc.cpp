// bench_rpc: aegis RPC against raw nats.c on the same machine, in the same run.
//   (a) raw nats.c request/reply against a trivial nats.c replier (echoes the bytes)
//   (b) the aegis client against an aegis Service echo (msgpack envelopes both ways)
// Sequential p50/p90/p99 and throughput with 1, 16 and 64 requests in flight, ratios aegis/raw,
// the wall time of a one-shot `aegis call`, and the resident memory of an idle `aegis demo echo`.
// Usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--aegis PATH]
#include <nats/nats.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/client/async_caller.hpp"
#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"

using namespace aegis;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    std::string server;
    double seconds = 2.0;
    int sequential = 3000;
    std::string aegis;
};

struct Figures {
    double p50 = 0, p90 = 0, p99 = 0;  // microseconds, sequential
    double rps[3] = {0, 0, 0};         // 1, 16, 64 in flight
};

const int k_inflight[3] = {1, 16, 64};

double pct(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1) + 0.5))];
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

struct RawPipe {
    natsConnection* nc;
    std::string inbox;
    std::string payload;
    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
};

void raw_pipe_reply(natsConnection* nc, natsSubscription*, natsMsg* m, void* c) {
    auto* p = static_cast<RawPipe*>(c);
    natsMsg_Destroy(m);
    ++p->done;
    if (!p->stop) natsConnection_PublishRequest(nc, "bench.raw", p->inbox.c_str(), p->payload.data(),
                                                static_cast<int>(p->payload.size()));
}

Figures bench_raw(const std::string& url, const std::string& payload, const Args& a) {
    Figures f;
    natsOptions* o = nullptr;
    natsOptions_Create(&o);
    natsOptions_SetURL(o, url.c_str());
    natsOptions_SetSendAsap(o, true);
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
        natsConnection_Subscribe(&rs, cli, p.inbox.c_str(), raw_pipe_reply, &p);
        natsConnection_Flush(cli);
        auto t0 = Clock::now();
        for (int i = 0; i < k_inflight[k]; ++i)
            natsConnection_PublishRequest(cli, "bench.raw", p.inbox.c_str(), payload.data(), static_cast<int>(payload.size()));
        std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
        long n = p.done.load();
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        p.stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        natsSubscription_Unsubscribe(rs);
        natsSubscription_Destroy(rs);
        f.rps[k] = n / secs;
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
        auto t0 = Clock::now();
        for (int i = 0; i < k_inflight[k]; ++i) caller.call("bench-echo", "echo", params, opts, next);
        std::this_thread::sleep_for(std::chrono::duration<double>(a.seconds));
        long n = done.load();
        double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        stop = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        f.rps[k] = n / secs;
    }
    svc.stop();
    return f;
}

std::string request_payload() {
    CallOptions o;
    o.source = "echo-client-9d0c7b55";
    return encode_request("bench-echo", "echo", {{"message", "Hello, World!"}}, o);
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

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--server") a.server = argv[i + 1];
        else if (k == "--seconds") a.seconds = std::stod(argv[i + 1]);
        else if (k == "--sequential") a.sequential = std::stoi(argv[i + 1]);
        else if (k == "--aegis") a.aegis = argv[i + 1];
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
    pid_t server_pid = 0;
    std::string dir;
    if (a.server.empty()) {
        char tmpl[] = "/tmp/aegis-bench-XXXXXX";
        dir = mkdtemp(tmpl);
        int port = util::free_port();
        util::SpawnOptions so;
        so.argv = {"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port), "-js", "-sd", dir};
        so.stdout_path = dir + "/server.log";
        so.stderr_path = "=stdout";
        server_pid = util::spawn(so);
        while (!util::probe_nats("127.0.0.1", port)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        a.server = "nats://127.0.0.1:" + std::to_string(port);
    }
    std::printf("bench_rpc: server %s, %d sequential calls, %.1f s per in-flight level, %u cores\n",
                a.server.c_str(), a.sequential, a.seconds, std::thread::hardware_concurrency());
    std::string payload = request_payload();
    Figures raw = bench_raw(a.server, payload, a);
    Figures ae = bench_aegis(a.server, a);
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
    std::printf("\ngoals: p50 ratio <= 1.20 (%s), 64-in-flight throughput ratio >= 0.80 (%s)\n",
                ae.p50 / raw.p50 <= 1.2 ? "met" : "missed",
                ae.rps[2] / raw.rps[2] >= 0.8 ? "met" : "missed");
    if (access(a.aegis.c_str(), X_OK) == 0) {
        double shot = one_shot_ms(a.aegis, a.server);
        double rss = idle_rss_mb(a.aegis, a.server);
        std::printf("one-shot 'aegis call' wall time (median of 21): %.1f ms (goal <= 30 ms)\n", shot);
        std::printf("idle 'aegis demo echo' resident memory: %.1f MB (goal <= 10 MB)\n", rss);
    } else {
        std::printf("(aegis binary not found at %s: skipped one-shot and RSS)\n", a.aegis.c_str());
    }
    if (server_pid) {
        util::terminate(server_pid);
        std::filesystem::remove_all(dir);
    }
    return 0;
}
