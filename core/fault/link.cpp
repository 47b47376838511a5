#include "core/fault/link.hpp"
#include <string>

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aegis::fault {

Link::~Link() {
    if (m_client >= 0) ::close(m_client);
    if (m_server >= 0) ::close(m_server);
}

IoResult Link::read_into(int from, Pipe& pipe, Mono release) {
    char buf[16 * 1024];
    size_t room = Pipe::k_pipe_bytes - std::min(pipe.bytes, Pipe::k_pipe_bytes);
    if (room == 0 || pipe.eof) return IoResult::again;  // a read of 0 bytes would look like EOF
    ssize_t n = ::recv(from, buf, std::min(sizeof buf, room), 0);
    if (n < 0) return errno == EAGAIN || errno == EINTR ? IoResult::again : IoResult::closed;
    if (n == 0) {
        pipe.eof = true;
        return IoResult::ok;
    }
    release = std::max(release, pipe.last_release);
    pipe.last_release = release;
    pipe.chunks.push_back(Chunk{release, std::string(buf, static_cast<size_t>(n)), 0});
    pipe.bytes += static_cast<size_t>(n);
    return IoResult::ok;
}

IoResult Link::write_from(Pipe& pipe, int to, Mono now) {
    while (pipe.ready(now)) {
        Chunk& c = pipe.chunks.front();
        ssize_t n = ::send(to, c.data.data() + c.offset, c.data.size() - c.offset, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN || errno == EINTR ? IoResult::again : IoResult::closed;
        c.offset += static_cast<size_t>(n);
        pipe.bytes -= static_cast<size_t>(n);
        if (c.offset < c.data.size()) return IoResult::again;
        pipe.chunks.pop_front();
    }
    return IoResult::ok;
}

void Link::close_server() {
    if (m_server < 0) return;
    ::close(m_server);
    m_server = -1;
    m_up = Pipe{};
    m_down = Pipe{};
}

bool Link::finished() const {
    return (m_up.eof && m_up.chunks.empty()) || (m_down.eof && m_down.chunks.empty());
}

}  // namespace aegis::fault
