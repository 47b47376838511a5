// Each method on a connection of its own, seen from a real nats-server's monitoring (/connz):
// one TCP stream per method, so a flooded method's megabytes of requests and OVERLOADED answers
// never sit in front of another method's (bench_flood measures the latency that buys).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>
#include <string>

#include "core/service/service.hpp"
#include "core/service/single_active.hpp"
#include "core/util/net.hpp"
#include "core/wire/codec.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// GET http://127.0.0.1:<port><path> from the server's monitoring port: the JSON body.
Json monitor_get(int port, const std::string& path) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
    std::string resp;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) resp.append(buf, n);
    ::close(fd);
    auto body = resp.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    return wire::from_json(resp.substr(body + 4));
}

// The names of the connections that subscribe `subject`, from /connz?subs=1.
std::multiset<std::string> subscribers(int monitor_port, const std::string& subject) {
    std::multiset<std::string> out;
    Json connz = monitor_get(monitor_port, "/connz?subs=1&limit=1000");
    for (const auto& c : connz["connections"])
        for (const auto& s : c.value("subscriptions_list", Json::array()))
            if (s == subject) out.insert(c.value("name", ""));
    return out;
}

struct MonitoredServer {
    int monitor_port = util::free_port();
    test::NatsServer server{test::NatsServer::Options{
        .extra_args = {"-m", std::to_string(monitor_port)}}};
};

}  // namespace

TEST_CASE("each method of a service has a NATS connection of its own") {
    MonitoredServer ms;
    ServiceOptions o;
    o.name = "iso";
    o.instance_id = "iso-1";
    Service svc(ms.server.connect("iso-main"), o);
    svc.rpc("a", [](const Json& p) { return p; });
    svc.rpc("b", [](const Json& p) { return p; });
    svc.start();
    auto a = subscribers(ms.monitor_port, "rpc.iso.a");
    auto b = subscribers(ms.monitor_port, "rpc.iso.b");
    CHECK(a == std::multiset<std::string>{"iso-main a"});
    CHECK(b == std::multiset<std::string>{"iso-main b"});
    // $SRV and the registry stay on the service's own connection.
    CHECK(subscribers(ms.monitor_port, "$SRV.*.iso") == std::multiset<std::string>{"iso-main"});
    svc.stop();
}

TEST_CASE("connection_per_method = false keeps every method on the service's connection") {
    MonitoredServer ms;
    ServiceOptions o;
    o.name = "iso-shared";
    o.instance_id = "iso-shared-1";
    o.connection_per_method = false;
    Service svc(ms.server.connect("iso-shared-main"), o);
    svc.rpc("a", [](const Json& p) { return p; });
    svc.start();
    CHECK(subscribers(ms.monitor_port, "rpc.iso-shared.a") ==
          std::multiset<std::string>{"iso-shared-main"});
    svc.stop();
}

TEST_CASE("exclusive methods stay on the service's connection (their fence watches it)") {
    MonitoredServer ms;
    ServiceOptions o;
    o.name = "iso-sa";
    o.instance_id = "iso-sa-1";
    SingleActiveOptions sa;
    sa.policy = test::fast_policy();
    SingleActiveService svc(ms.server.connect("iso-sa-main"), o, sa);
    svc.exclusive_rpc("only", [](const Json& p) { return p; });
    svc.rpc("any", [](const Json& p) { return p; });
    svc.start();
    REQUIRE(test::eventually([&] { return svc.is_leader(); }));
    REQUIRE(test::eventually(
        [&] { return !subscribers(ms.monitor_port, "rpc.iso-sa.only").empty(); }));
    CHECK(subscribers(ms.monitor_port, "rpc.iso-sa.only") ==
          std::multiset<std::string>{"iso-sa-main"});
    CHECK(subscribers(ms.monitor_port, "rpc.iso-sa.any") ==
          std::multiset<std::string>{"iso-sa-main any"});
    svc.stop();
}
