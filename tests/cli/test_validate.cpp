// aegis validate: golden output on a healthy and on a broken setup (fake kubectl, real
// nats-server), --json, and the offline config checks.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/nats/connection.hpp"
#include "core/nats/jetstream.hpp"
#include "core/nats/kv.hpp"
#include "tests/support/fake_k8s.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::with;

using namespace aegis;
using namespace aegis::test;
using nlohmann::json;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
        s.replace(p, from.size(), to);
    return s;
}

// Everything that differs between runs: paths, ports, timings, ids, counts of streams.
std::string normalize(std::string out, const FakeK8s& k8s) {
    out = replace_all(out, fake_kubectl_dir(), "<FAKEBIN>");
    out = replace_all(out, k8s.dir(), "<DIR>");
    out = replace_all(out, std::to_string(k8s.local_port()), "<PORT>");
    const std::pair<const char*, const char*> rules[] = {
        {R"(RTT [0-9.]+ ms)", "RTT <ms>"},
        {R"([+-][0-9]+\.[0-9]+ s against)", "<skew> s against"},
        {R"(echo-service-[0-9a-f]{8})", "echo-service-<id>"},
        {R"(enabled: [0-9]+ streams?, [0-9]+ consumers?)", "enabled: <n> streams, <n> consumers"},
        {R"([0-9]+ messages?)", "<n> messages"},
    };
    for (auto& [re, to] : rules) out = std::regex_replace(out, std::regex(re), to);
    return out;
}

// Compares with tests/data/<name>; AEGIS_UPDATE_GOLDEN=1 rewrites the file instead.
void check_golden(const std::string& actual, const std::string& name) {
    std::string path = std::string(AEGIS_TEST_DATA_DIR) + "/" + name;
    if (std::getenv("AEGIS_UPDATE_GOLDEN")) std::ofstream(path) << actual;
    std::string expected = aegis::test::read_file(path);
    INFO("golden " << path << " (AEGIS_UPDATE_GOLDEN=1 rewrites it)");
    CHECK(actual == expected);
}

void helm_like_storage(const NatsServer& server) {
    auto conn = server.connect();
    nats::BucketConfig registry;
    registry.name = "service_registry";
    registry.max_age = std::chrono::seconds(30);
    nats::KeyValue::open_or_create(conn, registry);
    nats::ensure_stream(*conn, {"EVENTS", {"events.>"}, nats::Retention::limits, 100000});
    nats::ensure_stream(*conn, {"COMMANDS", {"commands.>"}, nats::Retention::workqueue, 10000});
}

}  // namespace

TEST_CASE("validate: a healthy setup passes every check (golden output)") {
    NatsServer nats;
    helm_like_storage(nats);
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.set_current("kind-aegis");
    k8s.write();
    Background svc({"demo", "echo", "--server", nats.url()}, k8s.env());
    REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));

    auto r = run_aegis({"validate"}, k8s.env());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    check_golden(normalize(r.out, k8s), "validate_healthy.golden");
    CHECK(k8s.forward_pids().empty());  // validate's own port-forward stopped with it

    auto j = json::parse(run_aegis({"validate", "--json"}, k8s.env()).out);
    CHECK(j.at("ok") == true);
    CHECK(j.at("summary").at("failed") == 0);
    for (auto& c : j.at("checks")) CHECK(c.at("status") != "fail");
}

TEST_CASE("validate: a broken setup names each problem and its fix (golden output)") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.add_context("docker-desktop");  // the wrong cluster: no aegis-trader namespace
    k8s.set_current("docker-desktop");
    k8s.write();
    std::string bad = k8s.dir() + "/aegis.yaml";
    std::ofstream(bad) << "nats_url: auto\nk8s:\n  namepsace: aegis-trader\n";
    Env env = with(k8s.env(), {{"AEGIS_CONFIG", bad}, {"NATS_CREDS", k8s.dir() + "/none.creds"}});
    auto r = run_aegis({"validate"}, env);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.empty());
    check_golden(normalize(r.out, k8s), "validate_broken.golden");

    auto j = json::parse(run_aegis({"validate", "--json"}, env).out);
    CHECK(j.at("ok") == false);
    CHECK(j.at("summary").at("failed").get<int>() >= 3);
}

TEST_CASE("validate: --offline runs only the config checks and needs no network") {
    FakeK8s k8s;
    std::string file = k8s.dir() + "/aegis.yaml";
    std::ofstream(file) << "nats_url: nats://127.0.0.1:1\nauth:\n  token: tok-Secret-5\n";
    auto r = run_aegis({"validate", "--offline", "--json", "--config", file}, k8s.env());
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("tok-Secret-5") == std::string::npos);
    auto j = json::parse(r.out);
    for (auto& c : j.at("checks")) CHECK(c.at("group") == "config");
    CHECK(k8s.calls().empty());
}

TEST_CASE("validate: stale instances name aegis's own fix, and the fix clears them") {
    NatsServer nats;
    auto conn = nats.connect();
    nats::BucketConfig c;
    c.name = "service_registry";
    auto kv = nats::KeyValue::open_or_create(conn, c);
    kv.put("service-instances__val-dead__val-dead-1",
           R"({"serviceName":"val-dead","instanceId":"val-dead-1","version":"1.0.0",)"
           R"("status":"ACTIVE","lastHeartbeat":"2020-01-01T00:00:00.000000+00:00",)"
           R"("stickyActiveGroup":null,"metadata":{}})");
    auto before = run_aegis({"validate", "--json", "--server", nats.url()});
    INFO(before.out << before.err);
    std::string fix;
    const json report = json::parse(before.out);
    for (auto& check : report.at("checks"))
        if (check.at("name") == "stale instances") fix = check.value("fix", "");
    CHECK(fix.find("aegis explore --prune") != std::string::npos);
    CHECK(fix.find("nats kv del") == std::string::npos);

    // The fix, run as written, clears the warning.
    REQUIRE(run_aegis({"explore", "--prune", "--server", nats.url()}).exit_code == 0);
    auto after = run_aegis({"validate", "--json", "--server", nats.url()});
    const json after_report = json::parse(after.out);
    for (auto& check : after_report.at("checks"))
        if (check.at("name") == "stale instances") CHECK(check.at("status") == "ok");
}

TEST_CASE("validate: streams not created yet are no warning on a fresh 'aegis up' server") {
    NatsServer nats;  // JetStream, nothing created: what 'aegis up' gives a newcomer
    auto r = run_aegis({"validate", "--server", nats.url()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    for (std::string stream : {"EVENTS", "COMMANDS"}) {
        std::smatch m;
        REQUIRE(std::regex_search(r.out, m, std::regex(R"(\[(.)\] )" + stream + " +(.*)")));
        CHECK(m[1] == "-");
        CHECK(contains(m[2].str(), "not created yet"));
    }
    CHECK_FALSE(contains(r.out, "nats stream add"));
}

// What a newcomer has after `aegis up` and a first service: the registry the SDK created (no
// TTL, as the Python SDK creates it). aegis's own default is no warning; a crashed instance's
// entry is, when there is one ("stale instances").
TEST_CASE("validate: a fresh server with an SDK-created registry validates clean") {
    NatsServer nats;
    Background svc({"demo", "echo", "--server", nats.url()});
    REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));
    auto r = run_aegis({"validate", "--server", nats.url(), "--json"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto j = json::parse(r.out);
    bool registry_seen = false;
    for (auto& c : j.at("checks")) {
        INFO(c.dump());
        CHECK(c.at("status") != "warn");
        CHECK(c.at("status") != "fail");
        if (c.at("name") == "service_registry") {
            registry_seen = true;
            CHECK(c.at("status") == "ok");
            CHECK(contains(c.at("message").get<std::string>(), "no TTL"));
        }
    }
    CHECK(registry_seen);
}
