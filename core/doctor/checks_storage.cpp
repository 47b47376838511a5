// Bucket and stream checks: present, and with settings that work together (a registry TTL that
// outlives the heartbeat interval, the stream subjects and retention the SDK expects).
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <string>

#include "core/doctor/doctor_internal.hpp"
#include "core/nats/jetstream.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"

namespace aegis::doctor {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

std::string ttl_text(std::chrono::nanoseconds ttl) {
    if (ttl.count() == 0) return "no TTL";
    return fmt::format("TTL {}s", duration_cast<seconds>(ttl).count());
}

// "R3 (leader aegis-local-2, 2/2 replicas current)" on a cluster; "R1" on a single server.
std::string placement(Run& r, const std::string& stream, int64_t replicas) {
    std::string out = fmt::format("R{}", replicas);
    auto info = nats::stream_info(*r.conn, stream);
    if (!info || info->leader.empty()) return out;
    size_t current = 0;
    for (auto& p : info->peers) current += p.current && !p.offline;
    return out + fmt::format(" (leader {}, {}/{} replicas current)", info->leader, current,
                             info->peers.size());
}

// On a cluster, a bucket or stream with one replica is lost with the node that holds it.
bool under_replicated(const Run& r, int64_t replicas) {
    return r.cluster_size >= 3 && replicas < 3;
}

const char* k_replicas_fix =
    "aegis never reconfigures a bucket or stream: delete it while no service runs and let the "
    "services create it again with kv_replicas (default auto: 3 on a cluster)";

void registry_bucket(Run& r) {
    const std::string name = "service_registry";
    std::optional<nats::BucketStatus> st;
    try {
        st = nats::KeyValue::open(r.conn, name).status();
    } catch (const NotFoundError&) {
        r.add("buckets", name, Status::warn, "missing (the first service creates it)",
              "create it with a TTL: nats kv add service_registry --history 10 --ttl 30s");
        return;
    }
    auto hb = r.config.heartbeat_interval;
    auto ttl = duration_cast<seconds>(st->ttl);
    std::string msg = fmt::format("{}, history {}, {}, {}; heartbeat every {}s",
                                  placement(r, "KV_" + name, st->replicas), st->history,
                                  ttl_text(st->ttl), plural(st->values, "value"), hb.count());
    if (under_replicated(r, st->replicas))
        r.add("buckets", name, Status::warn,
              msg + fmt::format(": one replica on a {}-node cluster", r.cluster_size),
              k_replicas_fix);
    else if (st->ttl.count() == 0)
        r.add("buckets", name, Status::warn,
              msg + ": a crashed instance stays listed until someone deletes it",
              "readers filter by age; remove dead entries with 'aegis explore --prune' (or "
              "recreate the bucket with a 30s TTL, 3 heartbeats)");
    else if (ttl <= hb)
        r.add("buckets", name, Status::fail,
              msg + ": live instances expire between two heartbeats",
              fmt::format("a TTL of at least {}s (3 heartbeats), or a shorter heartbeat_interval",
                          hb.count() * 3));
    else if (ttl < hb * 2)
        r.add("buckets", name, Status::warn, msg + ": one late heartbeat drops an instance",
              fmt::format("a TTL of at least {}s (3 heartbeats)", hb.count() * 3));
    else
        r.add("buckets", name, Status::ok, msg);
}

// A lease is the one-leader guarantee: in a bucket with one replica it is lost with the node that
// holds it (or with that node's unsynced writes, docs/single-active.md), and a second instance
// can then take the lead while the first still believes it leads.
const char* k_election_replicas_fix =
    "delete the bucket while no instance of its service runs and let them create it again with "
    "kv_replicas (default auto: 3 on a cluster); what each fault can do to a lease: "
    "docs/single-active.md";

void election_buckets(Run& r) {
    auto names = nats::kv_bucket_names(*r.conn, "election_");
    if (names.empty()) {
        r.add("buckets", "election_*", Status::ok, "none (no single-active service has run)");
        return;
    }
    std::string listed, short_ttl, single;
    for (auto& n : names) {
        auto st = nats::KeyValue::open(r.conn, n).status();
        std::string entry = n + fmt::format(" (R{})", st.replicas);
        listed += (listed.empty() ? "" : ", ") + entry;
        if (under_replicated(r, st.replicas)) single += (single.empty() ? "" : ", ") + entry;
        // A leader value the bucket expires before its lease would vanish without a watch event.
        if (st.ttl.count() > 0 && st.ttl < std::chrono::seconds(10))
            short_ttl += (short_ttl.empty() ? "" : ", ") + n + " (" + ttl_text(st.ttl) + ")";
    }
    std::string why, fix;
    auto add = [](std::string& to, const std::string& what) {
        to += (to.empty() ? "" : "; ") + what;
    };
    if (!single.empty()) {
        add(why, fmt::format("too few replicas on a {}-node cluster, a lease is lost with one "
                             "node: {}",
                             r.cluster_size, single));
        add(fix, k_election_replicas_fix);
    }
    if (!short_ttl.empty()) {
        add(why, "TTL shorter than a leader lease: " + short_ttl);
        add(fix, "recreate without a TTL (the election renews and releases leases itself)");
    }
    if (why.empty())
        r.add("buckets", "election_*", Status::ok,
              std::to_string(names.size()) + ": " + listed);
    else
        r.add("buckets", "election_*", Status::warn, why, fix);
}

void stream(Run& r, const std::string& name, const std::string& subject,
            nats::Retention retention) {
    auto info = nats::stream_info(*r.conn, name);
    const char* ret = retention == nats::Retention::workqueue ? "workqueue" : "limits";
    if (!info) {
        // Nothing is wrong: the SDK creates it with these settings on first use.
        r.skip("streams", name, "not created yet (the first service or command that uses it does)");
        return;
    }
    const auto& c = info->config;
    bool subject_ok = std::find(c.subjects.begin(), c.subjects.end(), subject) != c.subjects.end();
    std::string msg = fmt::format("{}, {}, {}, {}", placement(r, name, c.replicas),
                                  subject_ok ? subject : "subjects differ",
                                  c.retention == retention ? ret : "retention differs",
                                  plural(info->messages, "message"));
    if (under_replicated(r, c.replicas))
        r.add("streams", name, Status::warn,
              msg + fmt::format(": one replica on a {}-node cluster", r.cluster_size),
              k_replicas_fix);
    else if (!subject_ok || c.retention != retention)
        r.add("streams", name, Status::warn, msg,
              fmt::format("the SDK expects subjects '{}' with {} retention", subject, ret));
    else
        r.add("streams", name, Status::ok, msg);
}

}  // namespace

void check_storage(Run& r) {
    if (!r.conn || !r.jetstream) {
        r.skip("buckets", "buckets and streams", "need NATS with JetStream");
        return;
    }
    try {
        registry_bucket(r);
        election_buckets(r);
        stream(r, "EVENTS", "events.>", nats::Retention::limits);
        stream(r, "COMMANDS", "commands.>", nats::Retention::workqueue);
    } catch (const Error& e) {
        r.add("buckets", "jetstream", Status::fail, e.what(), "check the server's log");
    }
}

}  // namespace aegis::doctor
