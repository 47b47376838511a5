// KeyValue::entries reads many keys through direct gets pipelined on one inbox (kv_batch.hpp):
// every key's last value in the order asked, deletes and purges seen as such, keys with no
// message as nothing, more keys than the window, and a bucket that allows no direct get.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/nats/kv.hpp"
#include "core/nats/kv_batch.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;

namespace {

nats::KeyValue bucket(const std::shared_ptr<nats::Connection>& conn, const std::string& name) {
    nats::BucketConfig c;
    c.name = name;
    c.history = 3;
    return nats::KeyValue::open_or_create(conn, c);
}

std::string key_of(size_t i) { return "k" + std::to_string(1000 + i); }

}  // namespace

TEST_CASE("batched direct gets: last values in the order asked, more keys than the window") {
    test::NatsServer server;
    auto conn = server.connect("kv-batch");
    auto kv = bucket(conn, "kv_batch_many");
    const size_t n = nats::k_kv_batch_window * 2 + 37;
    std::vector<std::string> keys;
    for (size_t i = 0; i < n; ++i) {
        kv.put(key_of(i), "first-" + std::to_string(i));
        kv.put(key_of(i), "v-" + std::to_string(i));  // the last value is the one read
        keys.push_back(key_of(i));
    }
    // Asked in reverse: the answers come back in the order of the keys, not of the stream.
    std::vector<std::string> asked(keys.rbegin(), keys.rend());
    auto got = nats::kv_direct_get_last(*conn, "kv_batch_many", asked, std::chrono::seconds(5));
    REQUIRE(got.size() == n);
    for (size_t i = 0; i < n; ++i) {
        REQUIRE(got[i].has_value());
        CHECK(got[i]->key == asked[i]);
        CHECK(got[i]->value == "v-" + std::to_string(std::stoul(asked[i].substr(1)) - 1000));
        CHECK(got[i]->op == nats::KvOp::put);
        CHECK(got[i]->revision == kv.get(asked[i])->revision);
    }
    auto listed = kv.entries();
    REQUIRE(listed.size() == n);
    for (size_t i = 0; i < n; ++i) {
        CHECK(listed[i].key == keys[i]);  // sorted by key
        CHECK(listed[i].value == "v-" + std::to_string(i));
    }
}

TEST_CASE("batched direct gets: deleted, purged and never-written keys, which entries skips") {
    test::NatsServer server;
    auto conn = server.connect("kv-batch");
    auto kv = bucket(conn, "kv_batch_ops");
    kv.put("svc__a", "1");
    kv.put("svc__b", "2");
    kv.put("svc__c", "3");
    kv.put("other__d", "4");
    kv.erase("svc__b");
    kv.purge("svc__c");
    auto got = nats::kv_direct_get_last(*conn, "kv_batch_ops",
                                        {"svc__c", "nobody", "svc__a", "svc__b"},
                                        std::chrono::seconds(5));
    REQUIRE(got.size() == 4);
    REQUIRE(got[0].has_value());
    CHECK(got[0]->op == nats::KvOp::purge);
    CHECK_FALSE(got[1].has_value());  // no message at all
    REQUIRE(got[2].has_value());
    CHECK(got[2]->value == "1");
    CHECK(got[2]->op == nats::KvOp::put);
    CHECK(got[2]->created.time_since_epoch().count() > 0);
    REQUIRE(got[3].has_value());
    CHECK(got[3]->op == nats::KvOp::del);
    auto listed = kv.entries("svc__");
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].key == "svc__a");
    CHECK(listed[0].value == "1");
    CHECK(nats::kv_direct_get_last(*conn, "kv_batch_ops", {}, std::chrono::seconds(1)).empty());
}

TEST_CASE("a KV stream that allows no direct get is still listed, one get per key") {
    test::NatsServer server;
    auto conn = server.connect("kv-batch");
    // The stream a KV bucket is, made through the JetStream API with direct gets off.
    auto created = conn->request(
        "$JS.API.STREAM.CREATE.KV_kv_plain",
        R"({"name":"KV_kv_plain","subjects":["$KV.kv_plain.>"],"max_msgs_per_subject":1,)"
        R"("allow_rollup_hdrs":true,"deny_delete":true,"allow_direct":false,"storage":"file",)"
        R"("retention":"limits","discard":"new","num_replicas":1})",
        std::chrono::seconds(5));
    REQUIRE(std::string(created.data()).find("\"error\"") == std::string::npos);
    auto kv = nats::KeyValue::open(conn, "kv_plain");
    kv.put("x", "1");
    kv.put("y", "2");
    kv.erase("x");
    auto listed = kv.entries();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].key == "y");
    CHECK(listed[0].value == "2");
}
