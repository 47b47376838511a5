#pragma once
// The nats-server `aegis test --local` runs for itself: loopback, a free port chosen by the
// server (-p -1 --ports_file_dir, no race), JetStream in a temporary directory; stopped and
// removed at the end. stop() / restart() (same port, same store) serve the nats-restart scenario.
#include <sys/types.h>

#include <string>

namespace aegis::scenario {

class LocalNats {
public:
    LocalNats();  // starts it; UnavailableError when nats-server is missing or does not start
    ~LocalNats();
    LocalNats(const LocalNats&) = delete;
    LocalNats& operator=(const LocalNats&) = delete;

    const std::string& url() const { return m_url; }
    pid_t pid() const { return m_pid; }
    bool running() const { return m_pid > 0; }
    void stop();     // SIGTERM, then SIGKILL after 5 s
    void restart();  // on the same port with the same store

private:
    void start(int port);
    std::string m_dir, m_url, m_exe;
    int m_port = -1;
    pid_t m_pid = 0;
};

}  // namespace aegis::scenario
