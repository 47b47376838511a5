// core/config: the config file (YAML, contexts, errors with line and field), precedence of the
// sources, secrets masked.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/config/config_file.hpp"
#include "core/config/connect.hpp"
#include "core/config/sdk_config.hpp"
#include "core/util/error.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;

namespace {

std::string write(const test::TempDir& dir, const std::string& text) {
    std::string path = dir.path() + "/aegis.yaml";
    std::ofstream(path) << text;
    return path;
}

config::SdkConfig load(const std::string& path, const std::string& context = {}) {
    config::LoadOptions o;
    o.config_file = path;
    o.context = context;
    o.use_environment = false;
    return config::load_config(o);
}

std::string config_error(const std::string& path) {
    try {
        load(path);
    } catch (const ConfigError& e) {
        CHECK(e.code() == 78);
        return e.what();
    }
    FAIL("no ConfigError");
    return {};
}

const std::string k_file = R"(# aegis config
nats_url: auto
heartbeat_interval: 5s
k8s:
  namespace: trading
  local_port: 14222
auth:
  token: s3cr3t-token
current_context: dev
contexts:
  dev:
    k8s:
      service_name: dev-nats
  prod:
    nats_url: tls://nats.example.com:4222
    environment: production
)";

}  // namespace

TEST_CASE("config: defaults are the seed's SDKConfig and K8sNATSConfig") {
    config::LoadOptions o;
    o.use_environment = false;
    o.read_file = false;
    auto c = config::load_config(o);
    CHECK(c.nats_url == "auto");
    CHECK(c.environment == "auto");
    CHECK(c.k8s.namespace_name == "aegis-trader");
    CHECK(c.k8s.service_name == "aegis-trader-nats");
    CHECK(c.k8s.port == 4222);
    CHECK(c.k8s.use_port_forward);
    CHECK(c.source_of("nats_url") == "default");
}

TEST_CASE("config: file values, the current context and their sources") {
    test::TempDir dir;
    auto path = write(dir, k_file);
    auto c = load(path);
    CHECK(c.k8s.namespace_name == "trading");
    CHECK(c.k8s.local_port == 14222);
    CHECK(c.heartbeat_interval == std::chrono::seconds(5));
    CHECK(c.context == "dev");
    CHECK(c.k8s.service_name == "dev-nats");
    CHECK(c.source_of("k8s.namespace") == "file " + path + ":5");
    CHECK(c.source_of("k8s.service_name") == "file " + path + ":13 (context dev)");
    CHECK(c.contexts == std::vector<std::string>{"dev", "prod"});
}

TEST_CASE("config: --context picks another context, an unknown one is a config error") {
    test::TempDir dir;
    auto path = write(dir, k_file);
    auto prod = load(path, "prod");
    CHECK(prod.nats_url == "tls://nats.example.com:4222");
    CHECK(prod.environment == "production");
    CHECK(prod.k8s.service_name == "aegis-trader-nats");
    try {
        load(path, "staging");
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("context 'staging' is not defined") != std::string::npos);
        CHECK(e.hint().find("dev, prod") != std::string::npos);
    }
}

TEST_CASE("config: a bad file names the line and the field") {
    test::TempDir dir;
    auto unknown = config_error(write(dir, "nats_url: auto\nk8s:\n  namepsace: x\n"));
    CHECK(unknown.find("line 3") != std::string::npos);
    CHECK(unknown.find("unknown field 'k8s.namepsace'") != std::string::npos);
    auto port = config_error(write(dir, "k8s:\n  port: lots\n"));
    CHECK(port.find("line 2") != std::string::npos);
    CHECK(port.find("'k8s.port' must be a port number 1-65535 (got 'lots')") != std::string::npos);
    auto url = config_error(write(dir, "nats_url: http://x:4222\n"));
    CHECK(url.find("line 1") != std::string::npos);
    CHECK(url.find("'nats_url'") != std::string::npos);
    auto yaml = config_error(write(dir, "k8s:\n  port: [1,\n"));
    CHECK(yaml.find("not valid YAML") != std::string::npos);
    auto shape = config_error(write(dir, "k8s: 5\n"));
    CHECK(shape.find("'k8s' must be a map") != std::string::npos);
}

TEST_CASE("config: a secret with a wrong shape is reported without its value") {
    test::TempDir dir;
    auto msg = config_error(write(dir, "auth:\n  token: [s3cr3t-token]\n"));
    CHECK(msg.find("line 2") != std::string::npos);
    CHECK(msg.find("s3cr3t") == std::string::npos);
}

TEST_CASE("config: a missing --config file exits 66") {
    try {
        load("/nonexistent/aegis.yaml");
        FAIL("no error");
    } catch (const NoInputError& e) {
        CHECK(e.code() == 66);
    }
}

TEST_CASE("config: flags beat the file, secrets are masked in describe()") {
    test::TempDir dir;
    auto path = write(dir, k_file);
    config::LoadOptions o;
    o.config_file = path;
    o.use_environment = false;
    o.server = "nats://alice:pw-in-url@127.0.0.1:4333";
    auto c = config::load_config(o);
    CHECK(c.nats_url == o.server);
    CHECK(c.source_of("nats_url") == "flag --server");
    bool token_seen = false;
    for (auto& row : config::describe(c)) {
        CHECK(row.value.find("s3cr3t") == std::string::npos);
        CHECK(row.value.find("pw-in-url") == std::string::npos);
        if (row.key == "auth.token") {
            token_seen = true;
            CHECK(row.value == "********");
            CHECK(row.secret);
        }
    }
    CHECK(token_seen);
}

TEST_CASE("config: relative paths in the file are taken from the file's directory") {
    test::TempDir dir;
    auto c = load(write(dir, "auth:\n  creds_file: keys/user.creds\ntls:\n  ca: /etc/ca.pem\n"));
    CHECK(c.auth.creds_file == dir.path() + "/keys/user.creds");
    CHECK(c.auth.tls_ca == "/etc/ca.pem");
}

TEST_CASE("config: kv_replicas is auto by default, a number 1-5, or an error naming the line") {
    config::LoadOptions o;
    o.use_environment = false;
    o.read_file = false;
    CHECK(config::load_config(o).kv_replicas == 0);  // auto
    test::TempDir dir;
    CHECK(load(write(dir, "kv_replicas: 3\n")).kv_replicas == 3);
    CHECK(load(write(dir, "kv_replicas: auto\n")).kv_replicas == 0);
    for (const char* bad : {"kv_replicas: 0\n", "kv_replicas: 6\n", "kv_replicas: three\n"}) {
        std::string e = config_error(write(dir, bad));
        CHECK(e.find("line 1") != std::string::npos);
        CHECK(e.find("kv_replicas") != std::string::npos);
        CHECK(e.find("1-5") != std::string::npos);
    }
    // What a connection made from the config carries (the buckets' replicas follow it).
    auto c = load(write(dir, "kv_replicas: 5\n"));
    CHECK(config::connect_options(c, "nats://127.0.0.1:4222", "t").kv_replicas == 5);
}

TEST_CASE("config: max_pending and stop_grace bound a service, with defaults and checked ranges") {
    config::LoadOptions o;
    o.use_environment = false;
    o.read_file = false;
    auto d = config::load_config(o);
    CHECK(d.max_pending == 256);
    CHECK(d.stop_grace == std::chrono::seconds(10));
    test::TempDir dir;
    auto c = load(write(dir, "max_pending: 1000\nstop_grace: 25s\n"));
    CHECK(c.max_pending == 1000);
    CHECK(c.stop_grace == std::chrono::seconds(25));
    for (const char* bad : {"max_pending: 0\n", "max_pending: lots\n", "stop_grace: 0\n"}) {
        std::string e = config_error(write(dir, bad));
        CHECK(e.find("line 1") != std::string::npos);
    }
}
