// A server that accepts the connection and then stalls: every command's connect is bounded by
// its timeout (call --timeout, completion's 300 ms budget) whatever the server does.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/support/run_process.hpp"

using namespace std::chrono_literals;
using aegis::test::run_aegis;

namespace {

// A TCP listener on loopback that accepts every connection and then, with `send_info`, writes a
// plausible INFO line and nothing more; without it, nothing at all. Connections stay open until
// the end of the test (a closed socket would be an answer).
class StalledServer {
public:
    explicit StalledServer(bool send_info) : m_send_info(send_info) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(m_fd, 16) == 0);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~StalledServer() {
        m_stop = true;
        m_thread.join();
        for (int c : m_clients) ::close(c);
        ::close(m_fd);
    }
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(m_port); }

private:
    void serve() {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0) continue;
            m_clients.push_back(c);
            if (!m_send_info) continue;
            std::string info =
                R"(INFO {"server_id":"stall","version":"2.9.10","go":"go1","host":"127.0.0.1",)"
                R"("port":)" + std::to_string(m_port) +
                R"(,"headers":true,"max_payload":1048576,"proto":1})" "\r\n";
            (void)!::write(c, info.data(), info.size());
        }
    }
    bool m_send_info;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::vector<int> m_clients;
    std::thread m_thread;
};

}  // namespace

TEST_CASE("a server that stalls after accepting bounds call --timeout and completion") {
    for (bool send_info : {true, false}) {
        INFO((send_info ? "INFO then nothing" : "nothing at all"));
        StalledServer server(send_info);
        auto call = run_aegis({"call", "echo-service", "echo", "--timeout", "1", "--server",
                               server.url()},
                              {}, {}, 30s);
        CHECK(call.took < 5s);
        CHECK((call.exit_code == 69 || call.exit_code == 75));
        CHECK(call.err.find("aegis: error:") != std::string::npos);

        auto names = run_aegis({"completion", "--services", "--server", server.url()}, {}, {},
                               30s);
        CHECK(names.took < 2s);
        CHECK(names.exit_code == 0);
        CHECK(names.out.empty());
        CHECK(names.err.empty());
    }
}
