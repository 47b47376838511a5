// aegis validate on the election buckets: on a real 3-node cluster a single-replica election
// bucket is a warning with its fix (its lease is lost with one node); the same bucket on a
// single server is fine.
#include <catch2/catch.hpp>

#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;

namespace {

Json election_row(const std::string& server) {
    auto v = test::run_aegis({"validate", "--json", "--server", server}, {}, {}, 60s);
    INFO(v.out << v.err);
    Json report = wire::from_json(v.out);
    for (auto& c : report.at("checks"))
        if (c.at("name") == "election_*") return c;
    FAIL("no election_* check in the report");
    return Json();
}

void make_bucket(const std::shared_ptr<nats::Connection>& conn, const std::string& name,
                 int replicas) {
    nats::BucketConfig cfg;
    cfg.name = name;
    cfg.history = 1;
    cfg.replicas = replicas;
    nats::KeyValue::open_or_create(conn, cfg);
}

}  // namespace

TEST_CASE("validate: a one-replica election bucket on a 3-node cluster is a warning") {
    test::NatsCluster cluster(3);
    auto conn = cluster.connect("validate-election");
    make_bucket(conn, "election_hist_single", 1);
    make_bucket(conn, "election_hist_triple", 3);
    Json row = election_row(cluster.urls());
    INFO(row.dump());
    CHECK(row["status"] == "warn");
    const std::string msg = row.value("message", "");
    CHECK(contains(msg, "too few replicas on a 3-node cluster"));
    CHECK(contains(msg, "election_hist_single (R1)"));
    CHECK_FALSE(contains(msg, "election_hist_triple"));
    const std::string fix = row.value("fix", "");
    CHECK(contains(fix, "kv_replicas"));
    CHECK(contains(fix, "docs/single-active.md"));
}

TEST_CASE("validate: a one-replica election bucket on a single server is fine") {
    test::NatsServer server;
    make_bucket(server.connect("validate-election"), "election_hist_single", 1);
    Json row = election_row(server.url());
    INFO(row.dump());
    CHECK(row["status"] == "ok");
    CHECK(contains(row.value("message", ""), "election_hist_single (R1)"));
}
