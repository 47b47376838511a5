// Names cannot inject (issue 19, item 1). nats.c writes a subject into the PUB line as it is, so a
// method named "echo _X 0\r\n\r\nPUB injected.by.load 5\r\nHELLO\r\n..." used to publish HELLO
// to a subject of the caller's choosing. A raw subscriber on '>' (a plain socket speaking the
// NATS protocol, independent of nats.c) proves nothing of the injections reaches the server:
// `aegis load` exits 2 and the SDK throws InvalidNameError before anything is sent.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "core/client/async_caller.hpp"
#include "core/client/client.hpp"
#include "core/client/command_sender.hpp"
#include "core/client/event_publisher.hpp"
#include "core/client/event_tail.hpp"
#include "core/nats/connection.hpp"
#include "core/nats/kv.hpp"
#include "core/util/error.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

const std::string k_load_injection =
    "echo _X 0\r\n\r\nPUB injected.by.load 5\r\nHELLO\r\nPUB rpc.codec-svc.echo";
const std::string k_sdk_injection =
    "echo _X 0\r\n\r\nPUB injected.by.sdk 5\r\nHELLO\r\nPUB rpc.codec-svc.echo";

// SUB > on a plain TCP connection; collects every MSG line the server sends it.
class RawSubscriber {
public:
    explicit RawSubscriber(int port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(read_until("INFO ", 10s));
        send("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB > 1\r\nPING\r\n");
        REQUIRE(read_until("PONG\r\n", 10s));  // the subscription is in place
        m_buf.clear();
    }
    ~RawSubscriber() { ::close(m_fd); }

    // Reads until `text` arrived (true) or `timeout` passed (false).
    bool read_until(const std::string& text, std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (m_buf.find(text) == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char chunk[4096];
            ssize_t n = ::read(m_fd, chunk, sizeof chunk);
            if (n <= 0) return false;
            m_buf.append(chunk, static_cast<size_t>(n));
        }
        return true;
    }

    // The subjects of every MSG received so far.
    std::vector<std::string> subjects() const {
        std::vector<std::string> out;
        for (size_t at = m_buf.find("MSG "); at != std::string::npos;
             at = m_buf.find("\r\nMSG ", at + 1)) {
            size_t start = m_buf[at] == 'M' ? at + 4 : at + 6;
            out.push_back(m_buf.substr(start, m_buf.find(' ', start) - start));
        }
        return out;
    }
    const std::string& received() const { return m_buf; }

private:
    void send(const std::string& s) {
        REQUIRE(::write(m_fd, s.data(), s.size()) == static_cast<ssize_t>(s.size()));
    }
    int m_fd = -1;
    std::string m_buf;
};

// Publishes a last message and waits for it: everything sent before it has been delivered.
void settle(RawSubscriber& raw, const test::NatsServer& server) {
    auto conn = server.connect("sentinel");
    conn->publish("probe.done", "done");
    conn->flush();
    REQUIRE(raw.read_until("MSG probe.done", 10s));
}

}  // namespace

TEST_CASE("names cannot inject: aegis load exits 2 and a raw '>' subscriber sees nothing") {
    test::NatsServer server;
    RawSubscriber raw(server.port());
    auto r = test::run_aegis({"load", "codec-svc", k_load_injection, "-n", "1", "--server",
                              server.url()});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.rfind("aegis: error: method name '", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    for (const std::string& bad : {std::string("echo.*"), std::string(">"), std::string("a b"),
                                   std::string("d\xc3\xb6")}) {
        auto w = test::run_aegis({"load", bad, "echo", "-n", "1", "--server", server.url()});
        INFO(bad << ": " << w.err);
        CHECK(w.exit_code == 2);
    }
    settle(raw, server);
    INFO(raw.received());
    CHECK(raw.subjects() == std::vector<std::string>{"probe.done"});
    CHECK(raw.received().find("HELLO") == std::string::npos);
}

TEST_CASE("names cannot inject: the SDK throws InvalidNameError before anything is sent") {
    test::NatsServer server;
    RawSubscriber raw(server.port());
    auto conn = server.connect("sdk");
    Client client(conn);
    const std::vector<std::string> bad = {k_sdk_injection, "echo.*", ">", "a b", "d\xc3\xb6", ""};
    for (const auto& name : bad) {
        INFO("'" << name << "'");
        CHECK_THROWS_AS(client.call("codec-svc", name, Json::object()), InvalidNameError);
        CHECK_THROWS_AS(client.call(name, "echo", Json::object()), InvalidNameError);
        client::AsyncCaller async(conn);
        CHECK_THROWS_AS(async.call("codec-svc", name, Json::object(), {}, [](auto&&) {}),
                        InvalidNameError);
        CommandSender commands(conn);
        CHECK_THROWS_AS(commands.send("codec-svc", name, Json::object()), InvalidNameError);
        EventPublisher events(conn);
        CHECK_THROWS_AS(events.publish("order", name, Json::object()), InvalidNameError);
        CHECK_THROWS_AS(nats::KeyValue::open(conn, name), InvalidNameError);
    }
    for (const std::string pattern : {"events.order.cr eated", "events.order.cr*",
                                      "events.\r\nPUB injected.tail 5\r\nHELLO", "events..x"}) {
        EventTailOptions o;
        o.subjects = {pattern};
        CHECK_THROWS_AS(EventTail(conn, o), InvalidNameError);
    }
    // The last guard: a raw subject that smuggles a command is refused by the connection too.
    CHECK_THROWS_AS(conn->publish("x\r\nPUB injected.raw 5\r\nHELLO", "x"), InvalidNameError);
    CHECK_THROWS_AS(conn->request("a b", "x", 1s), InvalidNameError);
    // The connection survived all of it (a malformed PUB would have made the server drop it).
    CHECK_NOTHROW(conn->flush());
    settle(raw, server);
    INFO(raw.received());
    CHECK(raw.subjects() == std::vector<std::string>{"probe.done"});
    CHECK(raw.received().find("HELLO") == std::string::npos);
}
