// Faults between the nodes of a cluster in network namespaces (`requires: [netns]`): partition
// (a node's bridge port down: silent, as a pulled cable), heal (up again, and wait until it has
// rejoined its peers) and delay (tc netem on the node's link, where the kernel has netem). A
// node is named by its number (`node: 2`) or as the leader of a stream (`stream_leader:
// KV_election_x`, from $JS.API.STREAM.INFO), so a scenario can cut whichever node leads.
#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <string>

#include "core/client/client.hpp"
#include "core/client/sticky_retry.hpp"
#include "core/nats/js_admin.hpp"
#include "core/nats/jetstream.hpp"
#include "core/scenario/ns_cluster.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;

namespace {

using Clock = std::chrono::steady_clock;

NsCluster& cluster_of(RunState& s, const char* step) {
    if (!s.options.cluster)
        throw StepFailed(fmt::format("'{}' of a node needs the scenario's own cluster in network "
                                     "namespaces: add 'requires: [netns]'",
                                     step));
    return *s.options.cluster;
}

// The node a step names (0-based): `node: N` (1-based) or `stream_leader: STREAM`.
int target_node(RunState& s, const Json& a, const char* step) {
    auto& c = cluster_of(s, step);
    if (a.contains("node")) {
        int n = a["node"].get<int>();
        if (n < 1 || n > c.size())
            throw StepFailed(fmt::format("{}.node must be 1–{}, not {}", step, c.size(), n));
        return n - 1;
    }
    if (!a.contains("stream_leader"))
        throw StepFailed(fmt::format("'{}' needs 'node' or 'stream_leader'", step));
    std::string stream = a["stream_leader"].get<std::string>();
    auto info = nats::stream_info(*s.conn(), stream);
    if (!info) throw StepFailed("no stream '" + stream + "' to find the leader of");
    int i = c.index_of(info->leader);
    if (i < 0) throw StepFailed("stream '" + stream + "' has no leader now");
    return i;
}

// Sequential calls for `span`: how many succeeded and failed, and the longest time without a
// success from the start (the unavailability window).
struct Probe {
    int ok = 0, failed = 0;
    double longest_gap_ms = 0;
    double last_failure_ms = 0;  // since the cut: when calls were last seen failing
};

Probe probe_calls(RunState& s, const Json& p, milliseconds span) {
    RetryPolicy policy;  // one attempt per call: the window is what the callers saw
    StickyClient client(s.conn(), policy);
    CallOptions co;
    co.timeout = parse_duration(p.value("timeout", Json("1s")));
    Probe r;
    auto start = Clock::now(), last_ok = start, end = start + span;
    while (Clock::now() < end && !s.out_of_time()) {
        bool ok = false;
        try {
            ok = client.call_raw(s.str(p, "service"), s.str(p, "method"),
                                 p.value("params", Json::object()), co)
                     .ok;
        } catch (const UnavailableError&) {
            // the connection is moving to another node: a failed call like any other
        }
        auto now = Clock::now();
        if (ok) {
            ++r.ok;
            r.longest_gap_ms = std::max(r.longest_gap_ms, util::millis(now - last_ok));
            last_ok = now;
        } else {
            ++r.failed;
            r.last_failure_ms = util::millis(now - start);
            s.wait_until([] { return false; }, milliseconds(50));
        }
    }
    r.longest_gap_ms = std::max(r.longest_gap_ms, util::millis(Clock::now() - last_ok));
    return r;
}

// Every stream has a leader and every replica has caught up with it: the healed node is a
// member again, not only connected.
bool streams_current(RunState& s, const NsCluster& c) {
    try {
        for (const auto& name : nats::stream_names(*s.conn())) {
            auto info = nats::stream_info(*s.conn(), name);
            if (!info || info->leader.empty()) return false;
            if (static_cast<int>(info->peers.size()) != info->config.replicas - 1) return false;
            for (const auto& p : info->peers)
                if (!p.current || p.offline) return false;
        }
        return c.size() > 0;
    } catch (const std::exception&) {
        return false;  // no meta leader to ask yet
    }
}

// Heals node i and waits until every node has a route to every other one again, and every
// stream's replicas are current.
double heal_and_wait(RunState& s, int i, milliseconds timeout) {
    auto& c = *s.options.cluster;
    c.fabric().undelay(i);
    c.heal(i);
    auto t0 = Clock::now();
    bool back = s.wait_until(
        [&] {
            for (int n = 0; n < c.size(); ++n)
                if (c.routes(n, milliseconds(500)) != c.size() - 1) return false;
            return streams_current(s, c);
        },
        timeout, milliseconds(200));
    if (!back)
        throw StepFailed(fmt::format("{} did not rejoin its peers (routes and stream replicas) "
                                     "within {} ms of the heal",
                                     c.server_name(i), timeout.count()));
    return util::millis(Clock::now() - t0);
}

// The run's own connection on node i notices the cut through its pings (1 s) and moves on: the
// steps after a partition call through the others, as any client of the cluster would.
void leave_cut_node(RunState& s, int i, StepResult& out) {
    auto& c = *s.options.cluster;
    auto conn = s.conn();
    std::string at = "//" + c.fabric().node_address(i) + ":";
    if (conn->connected_url().find(at) == std::string::npos) return;
    auto t0 = Clock::now();
    bool moved = s.wait_until(
        [&] { return conn->is_connected() && conn->connected_url().find(at) == std::string::npos; },
        milliseconds(15000), milliseconds(50));
    if (!moved) throw StepFailed("the run's connection did not leave the cut node in 15 s");
    out.title += fmt::format("; the run's connection moved off it in {:.0f} ms",
                             util::millis(Clock::now() - t0));
}

void step_partition(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto& c = cluster_of(s, "partition");
    int i = target_node(s, a, "partition");
    std::string prefix = s.str(a, "record", "partition");
    s.vars[prefix + ".node"] = c.server_name(i);
    c.cut(i);
    out.title = fmt::format("partition {} (kernel: its bridge port down)", c.server_name(i));
    if (!a.contains("duration")) {  // cut until a heal step, or the end of the scenario
        leave_cut_node(s, i, out);
        return;
    }
    milliseconds span = parse_duration(a["duration"]);
    if (a.contains("probe")) {
        Probe p = probe_calls(s, a["probe"], span);
        s.record(out, prefix, "calls_ok", p.ok);
        s.record(out, prefix, "calls_failed", p.failed);
        s.record(out, prefix, "unavailable_ms", p.longest_gap_ms);
        s.record(out, prefix, "last_failure_ms", p.last_failure_ms);
        out.title += fmt::format(
            " for {} ms: {} calls ok, {} failed (the last {:.0f} ms after the cut), longest "
            "without a success {:.0f} ms",
            span.count(), p.ok, p.failed, p.last_failure_ms, p.longest_gap_ms);
    } else {
        s.wait_until([] { return false; }, span);
        out.title += fmt::format(" for {} ms", span.count());
    }
    double rejoin = heal_and_wait(s, i, parse_duration(a.value("timeout", Json("30s"))));
    s.record(out, prefix, "rejoin_ms", rejoin);
    out.title += fmt::format("; healed, rejoined in {:.0f} ms", rejoin);
}

void step_heal(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw.is_object() ? raw : Json::object());
    auto& c = cluster_of(s, "heal");
    milliseconds timeout = parse_duration(a.value("timeout", Json("30s")));
    std::string names;
    double rejoin = 0;
    bool named = a.contains("node") || a.contains("stream_leader");
    int target = named ? target_node(s, a, "heal") : -1;
    for (int i = 0; i < c.size(); ++i) {
        if (named ? target != i : !c.fabric().is_cut(i)) continue;
        rejoin = std::max(rejoin, heal_and_wait(s, i, timeout));
        names += (names.empty() ? "" : ", ") + c.server_name(i);
    }
    if (names.empty()) names = "no node was cut";
    s.record(out, s.str(a, "record", "heal"), "rejoin_ms", rejoin);
    out.title = fmt::format("heal {}: every route back in {:.0f} ms", names, rejoin);
}

void step_delay(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto& c = cluster_of(s, "delay");
    int i = target_node(s, a, "delay");
    milliseconds by = parse_duration(a.at("by"));
    try {
        c.fabric().delay(i, static_cast<int>(by.count()));
    } catch (const UnavailableError& e) {
        throw StepFailed(std::string(e.what()) +
                         "; delay a service's link instead (an instance target)");
    }
    out.title = fmt::format("delay {} by {} ms (kernel: tc netem)", c.server_name(i), by.count());
    if (!a.contains("duration")) return;
    s.wait_until([] { return false; }, parse_duration(a["duration"]));
    c.fabric().undelay(i);
}

}  // namespace

void heal_before_sweep(RunState& s) {
    auto& c = *s.options.cluster;
    for (int i = 0; i < c.size(); ++i)
        if (c.fabric().is_cut(i)) heal_and_wait(s, i, milliseconds(30000));
}

StepFn cluster_fault_step(const std::string& kind) {
    if (kind == "partition") return step_partition;
    if (kind == "heal") return step_heal;
    if (kind == "delay") return step_delay;
    return nullptr;
}

}  // namespace aegis::scenario
