#pragma once
// One relayed TCP connection of a fault proxy: the client's socket, the server's socket and a
// bounded queue of held bytes each way. Only the proxy's relay thread touches it.
#include <chrono>
#include <deque>
#include <string>

namespace aegis::fault {

using Mono = std::chrono::steady_clock::time_point;

// Bytes read from one side, waiting to be written to the other (released at `release`).
struct Chunk {
    Mono release{};
    std::string data;
    size_t offset = 0;
};

// One direction. At most k_pipe_bytes are held: past that the proxy stops reading that side,
// and TCP's own flow control pushes back on the sender.
struct Pipe {
    static constexpr size_t k_pipe_bytes = 256 * 1024;
    std::deque<Chunk> chunks;
    size_t bytes = 0;
    bool eof = false;     // the reading side closed
    Mono last_release{};  // releases never go backwards: the stream keeps its order
    bool has_room() const { return !eof && bytes < k_pipe_bytes; }
    bool ready(Mono now) const { return !chunks.empty() && chunks.front().release <= now; }
};

enum class IoResult { ok, again, closed };

class Link {
public:
    Link(int client, int server) : m_client(client), m_server(server) {}
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    int client() const noexcept { return m_client; }
    int server() const noexcept { return m_server; }
    Pipe& up() noexcept { return m_up; }      // client → server
    Pipe& down() noexcept { return m_down; }  // server → client

    // Reads what `from` has into `pipe`, each chunk held until now + delay.
    IoResult read_into(int from, Pipe& pipe, Mono release);
    // Writes the released chunks of `pipe` to `to`.
    IoResult write_from(Pipe& pipe, int to, Mono now);
    // Half-open: closes the server's side only (it sees the client leave); drops what was held.
    void close_server();
    // Both sides have nothing more to say (an end was read and its pipe is empty).
    bool finished() const;

private:
    int m_client = -1, m_server = -1;
    Pipe m_up, m_down;
};

}  // namespace aegis::fault
