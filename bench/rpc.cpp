// bench_rpc: aegis RPC against raw nats.c on the same machine, in the same run.
//   (a) raw nats.c request/reply against a trivial nats.c replier (echoes the bytes)
//   (b) the aegis client against an aegis Service echo (msgpack envelopes both ways)
// Sequential p50/p90/p99 and throughput with 1, 16 and 64 requests in flight, ratios aegis/raw,
// `aegis load -c 64` itself against a raw replier (bench/load_row.hpp),
// the wall time of a one-shot `aegis call`, and the resident memory of an idle `aegis demo echo`.
// Usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--rounds R]
//                  [--only raw|aegis|codec] [--buffered] [--raw-free] [--aegis PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client.hpp"
#include "bench/bench_args.hpp"
#include "bench/bench_server.hpp"
#include "bench/load_row.hpp"
#include "bench/rpc_sides.hpp"
#include "core/util/histogram.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/wire/envelope.hpp"
#include "core/wire/rpc_codec.hpp"

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
    bool raw_free = false;  // --raw-free: raw frees its messages at once, as aegis does
    std::string only;  // "raw" or "aegis" to run one side, "codec" the envelope work alone
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

// One side's accumulated slices of one round.
struct Tally {
    std::vector<double> us;  // sequential latencies
    long calls[3] = {0, 0, 0};
    double secs[3] = {0, 0, 0};
    double cpu = 0, server = 0, switches = 0;  // at 64 in flight
    long cpu_calls = 0;

    Figures figures() const {
        Figures f;
        fill_percentiles(f, us);
        for (int k = 0; k < 3; ++k) f.rps[k] = secs[k] > 0 ? calls[k] / secs[k] : 0;
        if (cpu_calls > 0) {
            f.cpu_us = cpu / cpu_calls * 1e6;
            f.server_cpu_us = server / cpu_calls * 1e6;
            f.switches = switches / cpu_calls;
        }
        return f;
    }
};

void sequential_slice(bench::Side& side, int n, Tally& t) {
    for (int i = 0; i < n; ++i) {
        auto t0 = Clock::now();
        side.call_once();
        t.us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
}

// `seconds` at in-flight level k; at 64 in flight also the CPU and context switches.
void pipeline_slice(bench::Side& side, int k, double seconds, Tally& t) {
    double c0 = self_cpu(), s0 = server_cpu(), w0 = self_switches();
    auto t0 = Clock::now();
    side.start(k_inflight[k]);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    long n = side.completed();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    double c1 = self_cpu(), s1 = server_cpu(), w1 = self_switches();
    side.stop();
    t.calls[k] += n;
    t.secs[k] += secs;
    if (k == 2) {
        t.cpu += c1 - c0;
        t.server += s1 - s0;
        t.switches += w1 - w0;
        t.cpu_calls += n;
    }
}

// One round: raw and aegis take turns (the side that starts alternates) call by call for the
// sequential latencies and in k_slices slices of every in-flight level, so that both see the
// same machine.
constexpr int k_slices = 4;

void run_round(int round, const Args& a, bench::Side* raw, bench::Side* ae, Tally& tr,
               Tally& ta) {
    std::pair<bench::Side*, Tally*> order[2] = {{raw, &tr}, {ae, &ta}};
    if (round % 2 == 1) std::swap(order[0], order[1]);
    for (int i = 0; i < a.sequential; ++i)
        for (auto& [side, tally] : order)
            if (side) sequential_slice(*side, 1, *tally);
    for (int k = 0; k < 3; ++k)
        for (int s = 0; s < k_slices; ++s)
            for (auto& [side, tally] : order)
                if (side) pipeline_slice(*side, k, a.seconds / k_slices, *tally);
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
    // The same calls as the client (encode_request, decode_rpc_response) and the service
    // (decode_rpc_request, encode_new_response) make; the echo handler returns its params.
    for (int i = 0; i < n; ++i) {
        std::string req = encode_request("bench-echo", "echo", params, o);
        auto decoded = wire::decode_rpc_request(req);
        std::string out = wire::encode_new_response(decoded.header.message_id, decoded.params,
                                                    nullptr, wire::Format::msgpack);
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
    bench::BenchArgs args(
        "usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--rounds R]\n"
        "                 [--only raw|aegis|codec] [--buffered] [--raw-free] [--aegis PATH]\n");
    args.text("--server", a.server);
    args.number("--seconds", a.seconds, 0.1);
    args.number("--sequential", a.sequential, 1);
    args.number("--rounds", a.rounds, 1);
    args.text("--aegis", a.aegis);
    args.text("--only", a.only);
    args.flag("--buffered", a.buffered);
    args.flag("--raw-free", a.raw_free);
    args.parse(argc, argv);
    if (!a.only.empty() && a.only != "raw" && a.only != "aegis" && a.only != "codec")
        args.fail("--only takes raw, aegis or codec");
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
    if (a.only == "codec") {  // no NATS: for perf / callgrind
        std::printf("aegis envelope work per call: %.2f us CPU\n", codec_us_per_call());
        return 0;
    }
    bench::BenchServer server(a.server);
    g_server_pid = server.pid();
    std::printf("bench_rpc: server %s, %d sequential calls, %.1f s per in-flight level, %d rounds, %u cores, %s%s\n",
                a.server.c_str(), a.sequential, a.seconds, a.rounds, std::thread::hardware_concurrency(),
                a.buffered ? "buffered writes (nats.c flusher) on both sides" : "a write per message (SendAsap) on both sides",
                a.raw_free ? ", raw frees its messages at once" : "");
    bench::SideOptions so{a.server, a.buffered, a.raw_free};
    auto raw_ep = a.only == "aegis" ? nullptr : bench::raw_side(so, request_payload());
    auto ae_ep = a.only == "raw" ? nullptr : bench::aegis_side(so);
    std::vector<Figures> raws, aes;
    // `aegis load -c 64` against a raw replier (bench/load_row.hpp): the engine here, the binary
    std::vector<double> engines, loads;
    bool with_load = a.only.empty() && access(a.aegis.c_str(), X_OK) == 0;
    for (int r = 0; r < a.rounds; ++r) {
        Tally tr, ta;
        run_round(r, a, raw_ep.get(), ae_ep.get(), tr, ta);
        raws.push_back(tr.figures());
        aes.push_back(ta.figures());
        if (a.only.empty()) engines.push_back(bench::load_rps(a.server, 64, a.seconds, a.buffered, a.raw_free));
        if (with_load) loads.push_back(bench::load_rps(a.server, 64, a.seconds, a.buffered, a.raw_free, a.aegis));
    }
    ae_ep.reset();
    raw_ep.reset();
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
    std::printf("(medians of %d rounds; raw and aegis alternate call by call (sequential) and in %d\n"
                " slices of every in-flight level; CPU per call at 64 in flight)\n", a.rounds, k_slices);
    const double codec_us = codec_us_per_call();
    std::printf("aegis envelope work per call (encode + decode, both ways, no NATS): %.2f us CPU\n",
                codec_us);
    if (!a.buffered) {  // the goals are about the default mode
        auto verdict = [](bool met) { return met ? "met" : "missed"; };
        std::printf("\ngoals: sequential p50 ratio <= 1.10 (%s), 64-in-flight throughput ratio >= 0.90 (%s),\n"
                    "       CPU per call ratio <= 1.20 (%s), envelope work <= 1.5 us (%s)\n",
                    verdict(ae.p50 <= 1.1 * raw.p50), verdict(ae.rps[2] >= 0.9 * raw.rps[2]),
                    verdict(ae.cpu_us <= 1.2 * raw.cpu_us), verdict(codec_us <= 1.5));
        if (!engines.empty())
            std::printf("goal: the load engine >= 0.95x the raw pipeline at 64 in flight (%s; "
                        "the 'aegis load' process: %.2fx)\n",
                        verdict(engine >= 0.95 * raw.rps[2]),
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
