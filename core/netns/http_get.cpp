// A minimal HTTP/1.0 GET for nats-server's monitoring port inside a fabric (routes, health): no
// library for one request, and a deadline on every read.
#include <chrono>
#include <string>

#include <poll.h>
#include <unistd.h>

#include "core/netns/http_get.hpp"
#include "core/util/net.hpp"

namespace aegis::netns {

namespace {

bool send_all(int fd, const std::string& text, std::chrono::steady_clock::time_point deadline) {
    size_t sent = 0;
    while (sent < text.size()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd p{fd, POLLOUT, 0};
        if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) != 1) return false;
        ssize_t n = write(fd, text.data() + sent, text.size() - sent);
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

std::string http_get(const std::string& host, int port, const std::string& path,
                     std::chrono::milliseconds timeout) {
    constexpr size_t k_max_body = 1 << 20;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    int fd = util::connect_tcp(host, port, timeout);
    if (fd < 0) return {};
    std::string out;
    if (send_all(fd, "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n", deadline)) {
        char buf[4096];
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) != 1) {
                out.clear();  // cut short: no answer rather than half of one
                break;
            }
            ssize_t n = read(fd, buf, sizeof buf);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
            if (out.size() > k_max_body) {
                out.clear();
                break;
            }
        }
    }
    close(fd);
    auto body = out.find("\r\n\r\n");
    if (out.rfind("HTTP/1.", 0) != 0 || out.find(" 200 ") == std::string::npos ||
        body == std::string::npos)
        return {};
    return out.substr(body + 4);
}

}  // namespace aegis::netns
