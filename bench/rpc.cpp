// bench_rpc: aegis RPC against raw nats.c on the same machine, in the same run.
//   (a) raw nats.c request/reply against a trivial nats.c replier (echoes the bytes)
//   (b) the aegis client against an aegis Service echo (msgpack envelopes both ways)
// Sequential p50/p90/p99 and throughput with 1, 16 and 64 requests in flight, ratios aegis/raw,
// `aegis load -c 64` itself against a raw replier (bench/load_row.hpp),
// the wall time of a one-shot `aegis call`, and the resident memory of an idle `aegis demo echo`.
// Usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--rounds R]
//                  [--only raw|aegis|codec] [--buffered] [--raw-free] [--asap] [--aegis PATH]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
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

constexpr int k_levels = 4;
const int k_inflight[k_levels] = {1, 16, 64, 256};
constexpr int k_cpu_level = 2;  // CPU and context switches are counted at 64 in flight

struct Args {
    std::string server;
    double seconds = 2.0;
    int sequential = 3000;
    int rounds = 3;
    bool buffered = false;  // --buffered: nats.c's flusher thread instead of a write per message
    bool raw_free = false;  // --raw-free: raw frees its messages at once, as aegis does
    bool asap = false;      // --asap: aegis writes every message at once (no adaptive coalescing)
    std::string only;  // "raw" or "aegis" to run one side, "codec" the envelope work alone
    std::string aegis;
};

struct Figures {
    double p50 = 0, p90 = 0, p99 = 0;  // microseconds, sequential
    double rps[k_levels] = {};         // 1, 16, 64, 256 in flight
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
    long calls[k_levels] = {};
    double secs[k_levels] = {};
    double cpu = 0, server = 0, switches = 0;  // at 64 in flight
    long cpu_calls = 0;

    Figures figures() const {
        Figures f;
        fill_percentiles(f, us);
        for (int k = 0; k < k_levels; ++k) f.rps[k] = secs[k] > 0 ? calls[k] / secs[k] : 0;
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
    if (k == k_cpu_level) {
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
    for (int k = 0; k < k_levels; ++k)
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

// An idle `aegis demo echo`'s memory from /proc/PID/smaps_rollup (kB): RSS counts every shared
// library page it maps, Pss shares them out among the processes mapping them, Private_* is what
// this process alone holds (what one more instance costs).
struct Memory {
    double rss_mb = 0, pss_mb = 0, private_mb = 0;
    double dirty_mb = 0;  // Private_Dirty: its own heap, stacks and data, what one more costs
};

Memory idle_memory(const std::string& aegis, const std::string& url) {
    util::SpawnOptions so;
    so.argv = {aegis, "demo", "echo", "--server", url, "-q"};
    so.stdout_path = "/dev/null";
    so.stderr_path = "/dev/null";
    pid_t pid = util::spawn(so);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    Memory m;
    auto mb = [&](const char* key) { return std::stod(line.substr(std::strlen(key))) / 1024.0; };
    while (std::getline(in, line)) {
        if (line.rfind("Rss:", 0) == 0) m.rss_mb = mb("Rss:");
        else if (line.rfind("Pss:", 0) == 0) m.pss_mb = mb("Pss:");
        else if (line.rfind("Private_Clean:", 0) == 0) m.private_mb += mb("Private_Clean:");
        else if (line.rfind("Private_Dirty:", 0) == 0) {
            m.dirty_mb = mb("Private_Dirty:");
            m.private_mb += m.dirty_mb;
        }
    }
    util::terminate(pid);
    return m;
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
    for (int k = 0; k < k_levels; ++k) m.rps[k] = med([k](const Figures& f) { return f.rps[k]; });
    m.cpu_us = med([](const Figures& f) { return f.cpu_us; });
    m.server_cpu_us = med([](const Figures& f) { return f.server_cpu_us; });
    m.switches = med([](const Figures& f) { return f.switches; });
    return m;
}

struct LoadRow {
    int inflight, conns, raw_level;  // raw_level: the raw pipeline row it is compared with
    const char* name;
};
constexpr int k_load_rows = 3;
const LoadRow k_load[k_load_rows] = {{64, 1, 2, "'aegis load' process, 64"},
                                     {256, 1, 3, "'aegis load' process, 256"},
                                     {64, 4, 2, "'aegis load' -c 64, 4 conns"}};

void row(const char* name, double r, double x, const char* unit) {
    std::printf("%-30s %9.1f %-2s %9.1f %-2s %7.2fx\n", name, r, unit, x, unit, r > 0 ? x / r : 0);
}

const char* verdict(bool met) { return met ? "met" : "missed"; }

// The generator's rows: the median throughput, and its own CPU in the median round.
void print_load_rows(const Figures& raw, const std::vector<bench::LoadFigures> (&loads)[k_load_rows]) {
    for (int l = 0; l < k_load_rows; ++l) {
        if (loads[l].empty()) continue;
        auto v = loads[l];
        std::sort(v.begin(), v.end(), [](auto& x, auto& y) { return x.rps < y.rps; });
        const auto& m = v[v.size() / 2];
        row(k_load[l].name, raw.rps[k_load[l].raw_level], m.rps, "/s");
        std::printf("%-30s   generator CPU %.2f cores, busiest thread %.0f%%%s\n", "",
                    m.cores, m.busiest_thread * 100,
                    m.bound ? ": the generator was the limit" : "");
    }
}

void print_goals(const Figures& raw, const Figures& ae, double codec_us, double load_ratio) {
    const double raw_cpu = raw.cpu_us + raw.server_cpu_us, ae_cpu = ae.cpu_us + ae.server_cpu_us;
    std::printf("\ngoals: sequential p50 ratio <= 1.00 (%s), 64 in flight >= 1.50x raw (%s),\n"
                "       client+service+server CPU per call <= 0.70x raw (%s), envelope work <= 1.5 us (%s)\n",
                verdict(ae.p50 <= raw.p50), verdict(ae.rps[2] >= 1.5 * raw.rps[2]),
                verdict(ae_cpu <= 0.7 * raw_cpu), verdict(codec_us <= 1.5));
    if (load_ratio > 0)
        std::printf("goal: the 'aegis load' process >= 1.40x the raw pipeline at 64 in flight "
                    "(%s: %.2fx)\n", verdict(load_ratio >= 1.4), load_ratio);
}

void print_report(const Args& a, const Figures& raw, const Figures& ae,
                  const std::vector<double>& engines,
                  const std::vector<bench::LoadFigures> (&loads)[k_load_rows]) {
    std::printf("\n%-30s %12s %12s %8s\n", "", "raw nats.c", "aegis", "ratio");
    row("sequential p50", raw.p50, ae.p50, "us");
    row("sequential p90", raw.p90, ae.p90, "us");
    row("sequential p99", raw.p99, ae.p99, "us");
    for (int k = 0; k < k_levels; ++k) {
        std::string name = "throughput, " + std::to_string(k_inflight[k]) + " in flight";
        row(name.c_str(), raw.rps[k], ae.rps[k], "/s");
    }
    double engine = engines.empty() ? 0 : pct(engines, 0.5);
    if (!engines.empty()) row("load engine, 64 in flight", raw.rps[2], engine, "/s");
    print_load_rows(raw, loads);
    row("client+service CPU per call", raw.cpu_us, ae.cpu_us, "us");
    if (g_server_pid) {
        row("nats-server CPU per call", raw.server_cpu_us, ae.server_cpu_us, "us");
        row("client+service+server CPU", raw.cpu_us + raw.server_cpu_us,
            ae.cpu_us + ae.server_cpu_us, "us");
    }
    row("context switches per call", raw.switches, ae.switches, "");
    std::printf("(medians of %d rounds; raw and aegis alternate call by call (sequential) and in %d\n"
                " slices of every in-flight level; CPU per call at 64 in flight)\n", a.rounds, k_slices);
    const double codec_us = codec_us_per_call();
    std::printf("aegis envelope work per call (encode + decode, both ways, no NATS): %.2f us CPU\n",
                codec_us);
    double load_ratio = 0;
    if (!loads[0].empty() && raw.rps[2] > 0) {
        std::vector<double> v;
        for (const auto& f : loads[0]) v.push_back(f.rps);
        load_ratio = pct(v, 0.5) / raw.rps[2];
    }
    if (!a.buffered) print_goals(raw, ae, codec_us, load_ratio);  // goals: the default mode
    if (access(a.aegis.c_str(), X_OK) != 0) {
        std::printf("(aegis binary not found at %s: skipped one-shot and memory)\n", a.aegis.c_str());
        return;
    }
    double shot = one_shot_ms(a.aegis, a.server);
    Memory mem = idle_memory(a.aegis, a.server);
    std::printf("one-shot 'aegis call' wall time (median of 21): %.1f ms (goal <= 15 ms)\n", shot);
    // Private_Clean is file pages no other process maps now: the binary's text when no other
    // aegis runs (a second instance shares them); Private_Dirty is the instance's own.
    std::printf("idle 'aegis demo echo': RSS %.1f MB, Pss %.1f MB, private %.1f MB, of which\n"
                "  dirty %.1f MB (its own heap, stacks, data; goal <= 2 MB: %s) and clean %.1f MB\n"
                "  (file pages no other process maps now, shared by a second instance)\n",
                mem.rss_mb, mem.pss_mb, mem.private_mb, mem.dirty_mb,
                verdict(mem.dirty_mb <= 2.0), mem.private_mb - mem.dirty_mb);
}

Args parse(int argc, char** argv) {
    Args a;
    bench::BenchArgs args(
        "usage: bench_rpc [--server URL] [--seconds S] [--sequential N] [--rounds R]\n"
        "                 [--only raw|aegis|codec] [--buffered] [--raw-free] [--asap]\n"
        "                 [--aegis PATH]\n");
    args.text("--server", a.server);
    args.number("--seconds", a.seconds, 0.1);
    args.number("--sequential", a.sequential, 1);
    args.number("--rounds", a.rounds, 1);
    args.text("--aegis", a.aegis);
    args.text("--only", a.only);
    args.flag("--buffered", a.buffered);
    args.flag("--raw-free", a.raw_free);
    args.flag("--asap", a.asap);
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
                a.buffered ? "buffered writes (nats.c flusher) on both sides"
                : a.asap   ? "a write per message (SendAsap) on both sides"
                           : "raw: a write per message (SendAsap), aegis: adaptive writes",
                a.raw_free ? ", raw frees its messages at once" : "");
    bench::SideOptions so{a.server, a.buffered, a.raw_free, a.asap};
    auto raw_ep = a.only == "aegis" ? nullptr : bench::raw_side(so, request_payload());
    auto ae_ep = a.only == "raw" ? nullptr : bench::aegis_side(so);
    std::vector<Figures> raws, aes;
    // `aegis load` against a raw replier (bench/load_row.hpp): the engine here at 64 in flight,
    // the binary at 64, at 256, and at 64 over 4 connections.
    std::vector<double> engines;
    std::vector<bench::LoadFigures> loads[k_load_rows];
    bool with_load = a.only.empty() && access(a.aegis.c_str(), X_OK) == 0;
    for (int r = 0; r < a.rounds; ++r) {
        Tally tr, ta;
        run_round(r, a, raw_ep.get(), ae_ep.get(), tr, ta);
        raws.push_back(tr.figures());
        aes.push_back(ta.figures());
        if (a.only.empty())
            engines.push_back(
                bench::load_rps(a.server, 64, a.seconds, a.buffered, a.raw_free).rps);
        for (int l = 0; with_load && l < k_load_rows; ++l)
            loads[l].push_back(bench::load_rps(a.server, k_load[l].inflight, a.seconds,
                                               a.buffered, a.raw_free, a.aegis, k_load[l].conns));
    }
    ae_ep.reset();
    raw_ep.reset();
    print_report(a, median(raws), median(aes), engines, loads);
    return 0;
}
