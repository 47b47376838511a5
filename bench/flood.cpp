// bench_flood: an `aegis demo echo` under a flood of slow requests (issue 19's goal). It
// publishes N `delay_echo` requests (each asks for a long delay and gives up after its timeout)
// as fast as one connection can, while a prober calls `echo` every few milliseconds. Printed:
// the service's resident memory (peak), echo's latency during the flood, how the flood was
// answered (ok / OVERLOADED / no answer), how many expired requests ran (the service's own
// expired count against the handler runs it logged) and how long after the flood's end echo
// and the service's health were back to normal. Loopback only; bounded in count and time.
#include <fstream>
#include <string>
#include <thread>
#include <vector>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "bench/bench_args.hpp"
#include "bench/bench_server.hpp"
#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/util/histogram.hpp"
#include "core/util/log.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/rpc_codec.hpp"
#include "core/wire/rpc_errors.hpp"

using namespace aegis;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Args {
    std::string server, aegis;
    int requests = 1000000;
    double delay = 30;         // seconds each delay_echo asks for
    int timeout_ms = 1000;     // the flood's callers give up after this
    int probe_ms = 10;         // one echo call every this often
    int settle_s = 3;          // observed after the flood's end
    double rate = 0;           // requests per second; 0: as fast as one connection can
};

double rss_mb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

// The echo prober: sequential calls, each latency stamped with when it was sent.
struct Probe {
    std::vector<std::pair<Clock::time_point, double>> samples;  // send time, ms (-1: failed)
};

void probe_loop(const std::string& url, int every_ms, const std::atomic<bool>& stop, Probe& out) {
    nats::ConnectOptions co;
    co.servers = {url};
    co.name = "bench-flood-probe";
    Client client(nats::Connection::connect(co));
    CallOptions o;
    o.timeout = 1000ms;
    while (!stop.load()) {
        auto t0 = Clock::now();
        double ms = -1;
        try {
            auto r = client.call_raw("flood-echo", "echo", {{"message", "probe"}}, o);
            if (r.response.success)
                ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        } catch (const std::exception&) {
        }
        out.samples.emplace_back(t0, ms);
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(every_ms));
    }
}

struct Answers {
    std::atomic<uint64_t> ok{0}, overloaded{0}, shutting_down{0}, other{0};
};

Json srv(nats::Connection& conn, const std::string& verb) {
    auto reply = conn.request("$SRV." + verb + ".flood-echo", "", 2000ms);
    return wire::from_json(std::string(reply.data()));
}

Json lane_data(nats::Connection& conn, const std::string& method) {
    Json stats = srv(conn, "STATS");  // a named object: a range over a temporary's member dangles
    for (const auto& ep : stats["endpoints"])
        if (ep["name"] == method) return ep["data"];
    return Json::object();
}

Args parse(int argc, char** argv) {
    Args a;
    bench::BenchArgs args(
        "usage: bench_flood [--server URL] [--aegis PATH] [--requests N] [--delay S]\n"
        "                   [--timeout-ms MS] [--probe-ms MS] [--settle S] [--rate PER_S]\n");
    args.text("--server", a.server);
    args.text("--aegis", a.aegis);
    args.number("--requests", a.requests, 1);
    args.number("--delay", a.delay, 0);
    args.number("--timeout-ms", a.timeout_ms, 1);
    args.number("--probe-ms", a.probe_ms, 1);
    args.number("--settle", a.settle_s, 1);
    args.number("--rate", a.rate, 0);
    args.parse(argc, argv);
    if (a.aegis.empty()) {
        auto self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
        a.aegis = (self.parent_path() / "app" / "aegis").string();
    }
    return a;
}

pid_t start_echo(const Args& a) {
    util::SpawnOptions so;
    so.argv = {a.aegis, "demo", "echo", "--service", "flood-echo", "--server", a.server, "-q"};
    so.stdout_path = "/dev/null";
    so.stderr_path = "/dev/null";
    pid_t pid = util::spawn(so);
    nats::ConnectOptions co;
    co.servers = {a.server};
    Client client(nats::Connection::connect(co));
    CallOptions o;
    o.timeout = 500ms;
    for (int i = 0; i < 100; ++i) {
        try {
            client.call("flood-echo", "echo", {{"message", "up?"}}, o);
            return pid;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(100ms);
        }
    }
    std::fprintf(stderr, "bench_flood: the echo demo did not answer\n");
    util::terminate(pid);
    std::exit(69);
}

void classify(const nats::Msg& m, Answers& ans) {
    try {
        auto r = wire::decode_rpc_response(m.data());
        if (r.success) ++ans.ok;
        else if (r.error && wire::is_overloaded(*r.error)) ++ans.overloaded;
        else if (r.error && wire::is_shutting_down(*r.error)) ++ans.shutting_down;
        else ++ans.other;
    } catch (const std::exception&) {
        ++ans.other;
    }
}

// Publishes the flood; samples the service's RSS meanwhile. Returns the peak RSS in MB.
double flood(const Args& a, pid_t pid, nats::Connection& conn, const std::string& inbox) {
    std::atomic<bool> done{false};
    double peak = rss_mb(pid);
    std::thread sampler([&] {
        while (!done.load()) {
            peak = std::max(peak, rss_mb(pid));
            std::this_thread::sleep_for(20ms);
        }
    });
    Json params = {{"delay", a.delay}, {"message", "flood"}};
    wire::RequestSpec spec;
    spec.method = "delay_echo";
    spec.params = &params;
    spec.timeout = a.timeout_ms / 1000.0;
    auto t0 = Clock::now();
    for (int i = 0; i < a.requests; ++i) {
        // Paced in batches of 500 when a rate is given (the flood then leaves the machine's
        // two cores some room: as fast as possible, publisher and server take both).
        if (a.rate > 0 && i % 500 == 0)
            std::this_thread::sleep_until(t0 + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double>(i / a.rate)));
        // A fresh envelope (ids, timestamp) per request, as real callers send.
        conn.publish("rpc.flood-echo.delay_echo",
                     wire::encode_new_request(spec, wire::Format::msgpack), inbox);
    }
    conn.flush(10000ms);
    done = true;
    sampler.join();
    return std::max(peak, rss_mb(pid));
}

// Milliseconds after `f1` until the service's $SRV metadata says load=ok (-1: not within `limit`).
double health_back_ms(nats::Connection& conn, Clock::time_point f1, std::chrono::seconds limit) {
    while (Clock::now() - f1 < limit) {
        try {
            if (srv(conn, "PING")["metadata"].value("load", "") == "ok")
                return std::chrono::duration<double, std::milli>(Clock::now() - f1).count();
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(10ms);
    }
    return -1;
}

struct Run {
    double idle_mb = 0, peak_mb = 0, after_mb = 0, health_ms = -1;
    Clock::time_point f0, f1;
    Json lane, echo_lane;
    uint64_t delay_runs = 0;  // delay_echo handlers that finished
};

// Echo latencies before / during / after the flood, from the prober's samples.
struct ProbeSummary {
    util::Histogram during{100.0}, after{100.0};
    uint64_t failed_during = 0, failed_after = 0;
    double last_slow_ms = 0;  // the latest probe after the flood's end slower than 50 ms
};

ProbeSummary summarize(const Probe& probe, const Run& r) {
    ProbeSummary p;
    for (auto& [t, ms] : probe.samples) {
        bool in_flood = t >= r.f0 && t <= r.f1, post = t > r.f1;
        double since_end = std::chrono::duration<double, std::milli>(t - r.f1).count();
        if (ms < 0) {
            if (in_flood) ++p.failed_during;
            if (post) ++p.failed_after, p.last_slow_ms = std::max(p.last_slow_ms, since_end);
            continue;
        }
        if (in_flood) p.during.record(ms);
        if (post) {
            p.after.record(ms);
            if (ms > 50) p.last_slow_ms = std::max(p.last_slow_ms, since_end);
        }
    }
    return p;
}

unsigned long long u(const Json& j, const char* k) {
    return static_cast<unsigned long long>(j.value(k, uint64_t{0}));
}

void report(const Args& a, const Run& r, const Answers& ans, const ProbeSummary& p) {
    double flood_s = std::chrono::duration<double>(r.f1 - r.f0).count();
    uint64_t answered = ans.ok + ans.overloaded + ans.shutting_down + ans.other;
    std::printf("\nflood: %d requests published in %.2f s (%.0f/s)\n", a.requests, flood_s,
                a.requests / flood_s);
    std::printf("answers: %llu OVERLOADED, %llu ok, %llu other, %llu unanswered (queued, then "
                "expired or still running; dropped by nats.c: %llu)\n",
                (unsigned long long)ans.overloaded.load(), (unsigned long long)ans.ok.load(),
                (unsigned long long)(ans.other + ans.shutting_down),
                (unsigned long long)(a.requests - answered), u(r.lane, "dropped"));
    std::printf("delay_echo lane: %llu shed, %llu expired (not run), %llu started, "
                "queued now %llu of %llu\n",
                u(r.lane, "shed"), u(r.lane, "expired"),
                (unsigned long long)r.delay_runs + u(r.lane, "in_flight"), u(r.lane, "queued"),
                u(r.lane, "max_pending"));
    std::printf("service RSS: idle %.1f MB, peak during the flood %.1f MB, %d s after %.1f MB "
                "(goal <= 40 MB)\n",
                r.idle_mb, r.peak_mb, a.settle_s, r.after_mb);
    std::printf("echo during the flood: %llu calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
                "%llu failed (goal p99 <= 50 ms)\n",
                (unsigned long long)p.during.count(), p.during.percentile(0.5),
                p.during.percentile(0.99), p.during.max(), (unsigned long long)p.failed_during);
    std::printf("echo after the flood: %llu calls, p99 %.2f ms, %llu failed; last slow "
                "(> 50 ms) or failed probe %.0f ms after the end\n",
                (unsigned long long)p.after.count(), p.after.percentile(0.99),
                (unsigned long long)p.failed_after, p.last_slow_ms);
    std::printf("health back to 'ok' %.0f ms after the flood's end (goal <= 1000 ms); "
                "echo lane shed %llu\n",
                r.health_ms, u(r.echo_lane, "shed"));
}

// The flood and what follows it, the prober running throughout.
Run run(const Args& a, pid_t pid, Answers& ans, Probe& probe) {
    Run r;
    r.idle_mb = rss_mb(pid);
    nats::ConnectOptions co;
    co.servers = {a.server};
    co.name = "bench-flood";
    co.send_asap = false;  // the flood goes out in large writes
    auto conn = nats::Connection::connect(co);
    std::string inbox = conn->new_inbox();
    auto sub = conn->subscribe(inbox, [&](nats::Msg& m) { classify(m, ans); });
    std::atomic<bool> stop_probe{false};
    std::thread prober([&] { probe_loop(a.server, a.probe_ms, stop_probe, probe); });
    std::this_thread::sleep_for(500ms);
    r.f0 = Clock::now();
    r.peak_mb = flood(a, pid, *conn, inbox);
    r.f1 = Clock::now();
    r.health_ms = health_back_ms(*conn, r.f1, std::chrono::seconds(a.settle_s));
    std::this_thread::sleep_until(r.f1 + std::chrono::seconds(a.settle_s));
    stop_probe = true;
    prober.join();
    r.after_mb = rss_mb(pid);
    r.lane = lane_data(*conn, "delay_echo");
    r.echo_lane = lane_data(*conn, "echo");
    Json stats = srv(*conn, "STATS");
    for (const auto& ep : stats["endpoints"])
        if (ep["name"] == "delay_echo") r.delay_runs = ep.value("num_requests", uint64_t{0});
    sub.drain();  // before `ans` goes: no late reply may count into it
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    Args a = parse(argc, argv);
    log::set_level(log::Level::warn);
    bench::BenchServer server(a.server);
    pid_t pid = start_echo(a);
    std::this_thread::sleep_for(1s);
    std::printf("bench_flood: server %s, %d delay_echo requests (delay %.0f s, timeout %d ms) %s, "
                "echo probed every %d ms, %u cores\n", a.server.c_str(), a.requests, a.delay,
                a.timeout_ms, a.rate > 0 ? ("at " + std::to_string((long)a.rate) + "/s").c_str()
                                         : "as fast as possible",
                a.probe_ms, std::thread::hardware_concurrency());
    Answers ans;
    Probe probe;
    Run r = run(a, pid, ans, probe);
    util::terminate(pid);
    report(a, r, ans, summarize(probe, r));
    return 0;
}
