#include "core/fault/proxy.hpp"
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "core/fault/link.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::fault {

using Clock = std::chrono::steady_clock;

namespace {

int listen_loopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw IoError("fault proxy: cannot create a socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw IoError("fault proxy: cannot listen on 127.0.0.1");
    }
    port = ntohs(a.sin_port);
    return fd;
}

// A connection to the server; -1 when it refuses (it is down: the client sees its connection
// closed at once, as it would without the proxy). Loopback connects finish or fail at once.
int connect_upstream(const Upstream& u) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(u.port));
    inet_pton(AF_INET, u.address.c_str(), &a.sin_addr);
    timeval tv{1, 0};  // a bound, though loopback never needs it
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

}  // namespace

// The relay thread's own state.
struct FaultProxy::Relay {
    std::vector<std::unique_ptr<Link>> links;
    std::mt19937 rng{std::random_device{}()};

    Mono release_at(Mono now, const Effect& e) {
        auto d = e.delay;
        if (e.jitter.count() > 0)
            d += milliseconds(std::uniform_int_distribution<long>(0, e.jitter.count())(rng));
        return now + d;
    }
};

FaultProxy::FaultProxy(const std::string& upstream_url)
    : m_upstream(parse_upstream(upstream_url)) {
    m_listen = listen_loopback(m_port);
    m_wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (m_wake < 0) {
        ::close(m_listen);
        throw IoError("fault proxy: cannot create an eventfd");
    }
    m_url = proxied_url(m_upstream, m_port);
    m_thread = std::thread([this] { run(); });
}

FaultProxy::~FaultProxy() {
    m_stop = true;
    wake();
    if (m_thread.joinable()) m_thread.join();
    ::close(m_listen);
    ::close(m_wake);
}

void FaultProxy::wake() {
    uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wake, &one, sizeof one);
}

void FaultProxy::apply(const Fault& f) {
    {
        std::lock_guard lk(m_mutex);
        m_plan.apply(f, Clock::now());
    }
    log::debug("fault proxy :{}: {} for {} ms", m_port, fault_kind_name(f.kind),
               f.duration.count());
    wake();
}

void FaultProxy::heal() {
    {
        std::lock_guard lk(m_mutex);
        m_plan.heal();
    }
    wake();
}

FaultKind FaultProxy::fault() const {
    std::lock_guard lk(m_mutex);
    return m_plan.kind(Clock::now());
}

void FaultProxy::run() {
    Relay r;
    std::vector<pollfd> fds;
    while (!m_stop) {
        Mono now = Clock::now();
        Effect e;
        Mono change;
        {
            std::lock_guard lk(m_mutex);
            e = m_plan.effect(now);
            change = m_plan.next_change(now);
        }
        // Half-open: the server sees every client leave; when it ends, the clients learn it.
        for (auto& l : r.links)
            if (e.half_open) l->close_server();
        if (!e.half_open)
            std::erase_if(r.links, [](const auto& l) { return l->server() < 0; });
        const bool live = !e.silent && !e.half_open;
        Mono wake_at = std::min(change, now + milliseconds(200));
        fds.assign(1, pollfd{m_wake, POLLIN, 0});
        if (live && r.links.size() < k_max_links) fds.push_back({m_listen, POLLIN, 0});
        const size_t first_link = fds.size();
        for (auto& l : r.links) {
            short c = 0, s = 0;
            if (live) {
                if (l->up().has_room()) c |= POLLIN;
                if (l->down().has_room()) s |= POLLIN;
                if (l->down().ready(now)) c |= POLLOUT;
                if (l->up().ready(now)) s |= POLLOUT;
                for (Pipe* p : {&l->up(), &l->down()})
                    if (!p->chunks.empty() && !p->ready(now))
                        wake_at = std::min(wake_at, p->chunks.front().release);
            }
            // Silent links are left out of the poll (fd -1): a hang-up seen there would wake
            // us at once, again and again; it is read at the heal.
            fds.push_back({live ? l->client() : -1, c, 0});
            fds.push_back({live ? l->server() : -1, s, 0});
        }
        auto wait = std::chrono::duration_cast<milliseconds>(wake_at - now).count() + 1;
        int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long>(wait, 0, 200)));
        if (n < 0 && errno != EINTR) {  // not expected; never spin on it
            log::warn("fault proxy :{}: poll failed (errno {})", m_port, errno);
            std::this_thread::sleep_for(milliseconds(50));
            continue;
        }
        if (fds[0].revents) {
            uint64_t v;
            [[maybe_unused]] auto got = ::read(m_wake, &v, sizeof v);
        }
        now = Clock::now();
        // The plan may have changed while we slept (apply() woke us): bytes that came in with
        // the wake-up already fall under the new fault.
        Effect after;
        {
            std::lock_guard lk(m_mutex);
            after = m_plan.effect(now);
        }
        if (!live || !(after == e)) continue;
        if (fds.size() > 1 && fds[1].fd == m_listen && (fds[1].revents & POLLIN)) {
            int c = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (c >= 0) {
                int s = connect_upstream(m_upstream);
                if (s < 0) {
                    ::close(c);
                } else {
                    int one = 1;
                    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    r.links.push_back(std::make_unique<Link>(c, s));
                    ++m_accepted;
                }
            }
        }
        for (size_t i = 0; i + first_link < fds.size() && i / 2 < r.links.size(); i += 2) {
            Link& l = *r.links[i / 2];
            const auto& cf = fds[first_link + i];
            const auto& sf = fds[first_link + i + 1];
            bool bad = false;
            if (cf.revents & (POLLIN | POLLHUP | POLLERR))
                bad |= l.read_into(l.client(), l.up(), r.release_at(now, e)) == IoResult::closed;
            if (sf.revents & (POLLIN | POLLHUP | POLLERR))
                bad |= l.read_into(l.server(), l.down(), r.release_at(now, e)) == IoResult::closed;
            if (!bad) bad |= l.write_from(l.up(), l.server(), now) == IoResult::closed;
            if (!bad) bad |= l.write_from(l.down(), l.client(), now) == IoResult::closed;
            if (bad || l.finished()) r.links[i / 2].reset();
        }
        std::erase_if(r.links, [](const auto& l) { return !l; });
        m_links = r.links.size();
    }
}

}  // namespace aegis::fault
