// bench_explore: how fast `aegis explore` answers with 1,000 registered instances on loopback.
//   setup: 1,000 registry entries (20 services × 50 instances, the Python layout with aegis-cpp
//   metadata) and 10 responder connections answering $SRV.PING / INFO for 100 instances each.
//   (a) raw nats.c: one KV key listing + one $SRV.PING scatter that stops at the 1,000th reply
//   (b) the aegis SystemView snapshot (KV pass ∥ PING+INFO scatter, early end, join)
//   (c) the `aegis explore --json` wall time (process start, connect, snapshot, print)
//   (d) the same with one ghost (a registered instance that never answers: full quiet window)
// Usage: bench_explore [--server URL] [--instances N] [--rounds R] [--aegis PATH] [--hold S]
#include <nats/nats.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/tool/system_view.hpp"
#include "core/nats/connection.hpp"
#include "core/util/histogram.hpp"
#include "core/nats/kv.hpp"
#include "core/util/log.hpp"
#include "bench/bench_args.hpp"
#include "bench/bench_server.hpp"
#include "core/util/net.hpp"
#include "core/util/process.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

using namespace aegis;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    std::string server;
    int instances = 1000;
    int rounds = 21;
    std::string aegis;
    double hold_s = 0;  // --hold: keep the set-up running this long, for a profiler
};

constexpr int k_services = 20;
constexpr int k_responders = 10;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double pct(const std::vector<double>& v, double q) {
    util::Histogram h(1000.0);  // milliseconds at microsecond resolution
    for (double x : v) h.record(x);
    return h.percentile(q);
}

std::string service_of(int i) { return fmt::format("bench-svc-{:02}", i % k_services); }
std::string id_of(int i) { return fmt::format("{}-{:08x}", service_of(i), 0x10000000 + i); }

void register_all(const std::shared_ptr<nats::Connection>& conn, int n) {
    nats::BucketConfig c;
    c.name = wire::k_registry_bucket;
    auto kv = nats::KeyValue::open_or_create(conn, c);
    std::string now = wire::iso_now();
    for (int i = 0; i < n; ++i) {
        kv.put(wire::registry_key(service_of(i), id_of(i)),
               fmt::format(R"({{"serviceName":"{}","instanceId":"{}","version":"1.0.0",)"
                           R"("status":"ACTIVE","lastHeartbeat":"{}","stickyActiveGroup":null,)"
                           R"("metadata":{{"start_time":"{}","sdk":"aegis-cpp"}}}})",
                           service_of(i), id_of(i), now, now));
    }
}

// One connection answering $SRV for a slice of the instances, like that many processes would.
class Responder {
public:
    Responder(const std::string& url, int first, int count, int total) {
        nats::ConnectOptions o;
        o.servers = {url};
        m_conn = nats::Connection::connect(o);
        for (int i = first; i < first + count && i < total; ++i) m_ids.push_back(i);
        m_sub = m_conn->subscribe("$SRV.>", [this](nats::Msg& m) { answer(m); });
        m_conn->flush();
    }

private:
    void answer(nats::Msg& m) {
        if (m.reply().empty()) return;
        bool info = m.subject().starts_with("$SRV.INFO");
        bool ping = m.subject().starts_with("$SRV.PING");
        if (!info && !ping) return;
        for (int i : m_ids) {
            std::string common = fmt::format(
                R"("name":"{}","id":"{}","version":"1.0.0","metadata":{{"aegis_sdk":"cpp"}})",
                service_of(i), id_of(i));
            std::string body =
                ping ? R"({"type":"io.nats.micro.v1.ping_response",)" + common + "}"
                     : R"({"type":"io.nats.micro.v1.info_response",)" + common +
                           fmt::format(R"(,"description":"","endpoints":[{{"name":"echo",)"
                                       R"("subject":"rpc.{}.echo","queue_group":"rpc.{}",)"
                                       R"("metadata":null}}]}})",
                                       service_of(i), service_of(i));
            m_conn->publish(m.reply(), body);
        }
    }
    std::shared_ptr<nats::Connection> m_conn;
    std::vector<int> m_ids;
    nats::Subscription m_sub;
};

// (a) the least raw nats.c can do for the same facts.
double raw_round(const std::string& url, int expected) {
    auto t0 = Clock::now();
    natsConnection* nc = nullptr;
    natsConnection_ConnectTo(&nc, url.c_str());
    jsCtx* js = nullptr;
    natsConnection_JetStream(&js, nc, nullptr);
    kvStore* kv = nullptr;
    js_KeyValue(&kv, js, wire::k_registry_bucket);
    kvKeysList keys{};
    kvStore_Keys(&keys, kv, nullptr);
    kvKeysList_Destroy(&keys);
    natsInbox* inbox = nullptr;
    natsInbox_Create(&inbox);
    natsSubscription* sub = nullptr;
    natsConnection_SubscribeSync(&sub, nc, inbox);
    natsConnection_PublishRequestString(nc, "$SRV.PING", inbox, "");
    for (int got = 0; got < expected;) {
        natsMsg* m = nullptr;
        if (natsSubscription_NextMsg(&m, sub, 2000) != NATS_OK) break;
        natsMsg_Destroy(m);
        ++got;
    }
    double took = ms_since(t0);
    natsSubscription_Destroy(sub);
    natsInbox_Destroy(inbox);
    kvStore_Destroy(kv);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    return took;
}

// CPU seconds (user + system) of the children reaped so far.
double children_cpu_ms() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// The wall time of one `aegis explore --json`, and its CPU time in `cpu_ms`: on a loaded
// machine the wall time is the CPU time stretched by the neighbours, the CPU time is not.
double cli_round(const std::string& aegis, const std::string& url, double& cpu_ms) {
    util::SpawnOptions so;
    so.argv = {aegis, "explore", "--json", "--server", url, "-q"};
    so.stdout_path = "/dev/null";
    double c0 = children_cpu_ms();
    auto t0 = Clock::now();
    pid_t pid = util::spawn(so);
    util::wait_exit(pid, std::chrono::seconds(10));
    double took = ms_since(t0);
    cpu_ms = children_cpu_ms() - c0;
    return took;
}

void report(const char* name, const std::vector<double>& v) {
    std::printf("%-44s p50 %7.1f ms   p90 %7.1f ms   max %7.1f ms\n", name, pct(v, 0.5),
                pct(v, 0.9), pct(v, 1.0));
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    a.aegis = (std::filesystem::path(argv[0]).parent_path() / "../app/aegis").string();
    bench::BenchArgs args(
        "usage: bench_explore [--server URL] [--instances N] [--rounds R] [--aegis PATH]\n"
        "                     [--hold SECONDS]\n");
    args.text("--server", a.server);
    args.number("--instances", a.instances, 1);
    args.number("--rounds", a.rounds, 1);
    args.text("--aegis", a.aegis);
    args.number("--hold", a.hold_s, 0);
    args.parse(argc, argv);
    log::set_level(log::Level::warn);
    bench::BenchServer server(a.server);
    nats::ConnectOptions o;
    o.servers = {a.server};
    auto conn = nats::Connection::connect(o);
    register_all(conn, a.instances);
    std::vector<std::unique_ptr<Responder>> responders;
    int slice = (a.instances + k_responders - 1) / k_responders;
    for (int r = 0; r < k_responders; ++r)
        responders.push_back(std::make_unique<Responder>(a.server, r * slice, slice, a.instances));
    std::printf("bench_explore: server %s, %d registered instances in %d services, %d responder "
                "connections, %d rounds, %u cores\n",
                a.server.c_str(), a.instances, k_services, k_responders, a.rounds,
                std::thread::hardware_concurrency());

    if (a.hold_s > 0) {  // profile `aegis explore` against it: perf, strace -r
        std::printf("holding the set-up for %.0f s at %s\n", a.hold_s, a.server.c_str());
        std::fflush(stdout);
        std::this_thread::sleep_for(std::chrono::duration<double>(a.hold_s));
        return 0;
    }
    std::vector<double> raw, snap, cli, cli_cpu, ghost, kv_pass, gather;
    size_t seen = 0;
    tool::SystemView view(conn);
    for (int i = 0; i < a.rounds; ++i) {
        raw.push_back(raw_round(a.server, a.instances));
        auto s = view.snapshot();
        snap.push_back(s.took.count() / 1000.0);
        seen = s.instance_count();
        auto t0 = Clock::now();
        registry::ListOptions lo;
        lo.include_stale = true;
        view.registry()->list(lo);
        kv_pass.push_back(ms_since(t0));
        client::SrvGather g;
        g.verbs = {client::SrvVerb::ping, client::SrvVerb::info};
        size_t want = static_cast<size_t>(a.instances) * 2;
        g.complete = [want](const std::vector<client::SrvReply>& got) {
            return got.size() >= want;
        };
        g.settle = std::chrono::milliseconds(0);
        t0 = Clock::now();
        client::srv_gather(*conn, g);
        gather.push_back(ms_since(t0));
    }
    bool have_cli = access(a.aegis.c_str(), X_OK) == 0;
    if (have_cli)
        for (int i = 0; i < a.rounds; ++i) {
            double cpu = 0;
            cli.push_back(cli_round(a.aegis, a.server, cpu));
            cli_cpu.push_back(cpu);
        }
    nats::BucketConfig c;
    c.name = wire::k_registry_bucket;
    nats::KeyValue::open_or_create(conn, c)
        .put(wire::registry_key("bench-svc-00", "bench-svc-00-ghost"),
             R"({"serviceName":"bench-svc-00","instanceId":"bench-svc-00-ghost",)"
             R"("version":"1.0.0","status":"ACTIVE","lastHeartbeat":")" +
                 wire::iso_now() + R"(","stickyActiveGroup":null,"metadata":{"sdk":"aegis-cpp"}})");
    for (int i = 0; i < std::min(a.rounds, 7); ++i)
        ghost.push_back(view.snapshot().took.count() / 1000.0);

    std::printf("instances listed by the snapshot: %zu\n\n", seen);
    report("(a) raw nats.c: key list + PING scatter", raw);
    report("(b) aegis SystemView::snapshot()", snap);
    report("    of which: registry KV pass alone", kv_pass);
    report("    of which: $SRV PING+INFO gather alone", gather);
    if (have_cli) report("(c) `aegis explore --json` wall time", cli);
    if (have_cli) report("    its CPU time (user + system)", cli_cpu);
    report("(d) snapshot with one ghost (150 ms window)", ghost);
    std::printf("\nratio snapshot / raw (p50): %.2fx\n", pct(snap, 0.5) / pct(raw, 0.5));
    if (have_cli)
        std::printf("goal: `aegis explore` <= 25 ms wall with %d instances: %s (p50 %.1f ms, "
                    "CPU p50 %.1f ms)\n",
                    a.instances, pct(cli, 0.5) <= 25 ? "met" : "missed", pct(cli, 0.5),
                    pct(cli_cpu, 0.5));
    responders.clear();
    return 0;
}
