// Auth and TLS settings against real auth-enabled nats-servers: user/password, token, nkey seed,
// creds (operator mode with a MEMORY resolver). Secrets never appear in errors.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/config/connect.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/nkeys.hpp"
#include "core/util/error.hpp"
#include "tests/support/nats_jwt.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;

namespace {

config::SdkConfig at(const test::NatsServer& server) {
    config::SdkConfig c;
    c.nats_url = server.url();
    return c;
}

void round_trip(const std::shared_ptr<nats::Connection>& conn) {
    REQUIRE(conn->is_connected());
    auto sub = conn->subscribe_sync("auth.check");
    conn->publish("auth.check", "ok");
    auto m = sub.next(std::chrono::seconds(2));
    REQUIRE(m);
    CHECK(m.data() == "ok");
}

// The error of a rejected connect; fails the test when it connects.
std::string rejected(const config::SdkConfig& c) {
    try {
        config::connect(c, "auth-test");
    } catch (const AuthError& e) {
        CHECK(e.code() == 77);
        return std::string(e.what()) + " " + e.hint();
    }
    FAIL("connected with wrong credentials");
    return {};
}

}  // namespace

TEST_CASE("config: user and password authenticate, a wrong password is exit 77, not printed") {
    test::NatsServer server({true, {"--user", "aegis", "--pass", "pw-Right-1"}});
    auto c = at(server);
    c.auth.user = "aegis";
    c.auth.password = "pw-Right-1";
    round_trip(config::connect(c, "auth-test"));
    c.auth.password = "pw-Wrong-2";
    auto err = rejected(c);
    CHECK(err.find("pw-Wrong-2") == std::string::npos);
    CHECK(err.find("auth: user") != std::string::npos);
}

TEST_CASE("config: a token authenticates, a wrong one is rejected without being printed") {
    test::NatsServer server({true, {"--auth", "tok-Right-1"}});
    auto c = at(server);
    c.auth.token = "tok-Right-1";
    round_trip(config::connect(c, "auth-test"));
    c.auth.token = "tok-Wrong-2";
    CHECK(rejected(c).find("tok-Wrong-2") == std::string::npos);
}

TEST_CASE("config: an nkey seed file authenticates (nats-server's public test key pair)") {
    test::TempDir dir;
    // Test-only key pair from nats-server's own test suite; never use it for anything real.
    std::string conf = dir.path() + "/nkey.conf";
    std::ofstream(conf)
        << "authorization {\n  users = [\n"
           "    { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 }\n  ]\n}\n";
    test::NatsServer server({true, {"-c", conf}});
    auto c = at(server);
    c.auth.nkey_seed_file = AEGIS_TEST_DATA_DIR;
    c.auth.nkey_seed_file.append("/test-only.nk");
    round_trip(config::connect(c, "auth-test"));
    // Another (valid) user seed is not in the server's list.
    std::string other = dir.path() + "/other.nk";
    auto stranger = nats::nkey_create('U');
    std::ofstream(other) << stranger.seed << "\n";
    c.auth.nkey_seed_file = other;
    CHECK(rejected(c).find(stranger.seed) == std::string::npos);
}

TEST_CASE("config: a creds file (JWT + seed) authenticates in operator mode") {
    test::TempDir dir;
    auto op = test::write_operator_auth(dir.path());
    test::NatsServer server({false, {"-c", op.server_config}});
    auto c = at(server);
    c.auth.creds_file = op.creds_file;
    round_trip(config::connect(c, "auth-test"));
    c.auth.creds_file = op.other_creds;  // signed by an account the server does not know
    auto err = rejected(c);
    CHECK(err.find("auth: creds") != std::string::npos);
}

TEST_CASE("config: conflicting or missing auth settings fail before connecting") {
    test::NatsServer server;
    auto c = at(server);
    c.auth.token = "a";
    c.auth.user = "b";
    CHECK_THROWS_AS(config::connect(c, "auth-test"), ConfigError);
    auto missing = at(server);
    missing.auth.creds_file = "/nonexistent/user.creds";
    try {
        config::connect(missing, "auth-test");
        FAIL("connected");
    } catch (const NoInputError& e) {
        CHECK(std::string(e.what()).find("/nonexistent/user.creds") != std::string::npos);
    }
    auto half_tls = at(server);
    half_tls.auth.tls_cert = "/etc/hostname";
    CHECK_THROWS_AS(config::connect(half_tls, "auth-test"), ConfigError);
}
