// aegis config show / contexts, and config errors through the binary.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/support/fake_k8s.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::contains;
using aegis::test::with;

using namespace aegis::test;
using nlohmann::json;

namespace {

}  // namespace

TEST_CASE("config: show names each value's source, secrets are masked everywhere") {
    FakeK8s k8s;  // only for its neutral environment
    std::string file = k8s.dir() + "/aegis.yaml";
    std::ofstream(file) << "k8s:\n  port: 4333\n"
                           "contexts:\n  dev:\n    k8s:\n      namespace: dev\n";
    Env env = with(k8s.env(), {{"NATS_TOKEN", "s3cr3t-Token-9"}, {"AEGIS_NATS_SERVICE", "nats-a"}});
    auto r = run_aegis({"config", "show", "--json", "--config", file, "--context", "dev"}, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_FALSE(contains(r.out, "s3cr3t"));
    auto j = json::parse(r.out);
    CHECK(j.at("file") == file);
    CHECK(j.at("context") == "dev");
    auto& v = j.at("values");
    CHECK(v.at("k8s.port").at("value") == "4333");
    CHECK(v.at("k8s.port").at("source") == "file " + file + ":2");
    CHECK(v.at("k8s.namespace").at("source") == "file " + file + ":6 (context dev)");
    CHECK(v.at("k8s.service_name").at("source") == "env AEGIS_NATS_SERVICE");
    CHECK(v.at("auth.token").at("value") == "********");
    CHECK(v.at("auth.token").at("set") == true);
    CHECK(v.at("nats_url").at("source") == "default");

    auto human = run_aegis({"config", "show", "--config", file}, env);
    CHECK(human.exit_code == 0);
    CHECK(contains(human.out, "auth.token"));
    CHECK_FALSE(contains(human.out, "s3cr3t"));
    auto contexts = run_aegis({"config", "contexts", "--config", file, "--context", "dev"}, env);
    CHECK(contexts.out == "* dev\n");
}

TEST_CASE("config: a bad file exits 78 with its line and field") {
    FakeK8s k8s;
    std::string file = k8s.dir() + "/bad.yaml";
    std::ofstream(file) << "nats_url: auto\nk8s:\n  namespace: Not_Valid\n";
    auto r = run_aegis({"config", "show", "--config", file}, k8s.env());
    CHECK(r.exit_code == 78);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "aegis: error: config file '" + file + "' line 3: field "
                          "'k8s.namespace' must be a Kubernetes name"));
    auto unknown_ctx = run_aegis({"config", "show", "--context", "nope"}, k8s.env());
    CHECK(unknown_ctx.exit_code == 78);
    auto missing = run_aegis({"config", "show", "--config", k8s.dir() + "/none.yaml"}, k8s.env());
    CHECK(missing.exit_code == 66);
    auto bad_env = run_aegis({"config", "show"}, with(k8s.env(), {{"AEGIS_LOCAL_PORT", "x"}}));
    CHECK(bad_env.exit_code == 78);
    CHECK(contains(bad_env.err, "AEGIS_LOCAL_PORT must be a port number"));
}

TEST_CASE("config: credentials from the environment authenticate, a wrong one exits 77") {
    NatsServer server({true, {"--user", "svc", "--pass", "pw-Right-7"}});
    FakeK8s k8s;
    Env good = with(k8s.env(), {{"NATS_URL", server.url()}, {"NATS_USER", "svc"},
                                {"NATS_PASSWORD", "pw-Right-7"}});
    auto ok = run_aegis({"validate", "--json"}, good);
    INFO(ok.out << ok.err);
    auto j = json::parse(ok.out);
    bool auth_ok = false;
    for (auto& c : j.at("checks"))
        if (c.at("name") == "auth" && c.at("group") == "nats") auth_ok = c.at("status") == "ok";
    CHECK(auth_ok);
    Env bad = with(good, {{"NATS_PASSWORD", "pw-Wrong-8"}});
    auto r = run_aegis({"call", "echo-service", "echo"}, bad);
    CHECK(r.exit_code == 77);
    CHECK(contains(r.err, "authorization failed"));
    CHECK_FALSE(contains(r.err + r.out, "pw-Wrong-8"));
    auto v = run_aegis({"validate"}, bad);
    CHECK(v.exit_code == 1);
    CHECK(contains(v.out, "[✗] auth"));
    CHECK_FALSE(contains(v.err + v.out, "pw-Wrong-8"));
}
