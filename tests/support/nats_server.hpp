#pragma once
// A real nats-server for one test: loopback, a free port (-p -1 --ports_file_dir), JetStream in a
// temp dir. Killed at the end; its log is kept when the test failed (AEGIS_KEEP_LOGS=1 keeps all).
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace aegis::nats {
class Connection;
}

namespace aegis::test {

class NatsServer {
public:
    struct Options {
        bool jetstream = true;
        std::vector<std::string> extra_args;  // e.g. {"--user", "a", "--pass", "b"}
        int port = -1;                        // -1: a free one
    };
    NatsServer();
    explicit NatsServer(Options options);
    ~NatsServer();
    NatsServer(const NatsServer&) = delete;

    const std::string& url() const { return m_url; }
    int port() const { return m_port; }
    pid_t pid() const { return m_pid; }
    const std::string& dir() const { return m_dir; }
    std::string log() const;

    void kill_now();  // SIGKILL, keeps the store
    void restart();   // same port, same store
    std::shared_ptr<nats::Connection> connect(const std::string& name = "test") const;

private:
    void start();
    Options m_options;
    std::string m_dir;
    std::string m_url;
    int m_port = -1;
    pid_t m_pid = 0;
};

// A temporary directory removed at the end of the scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

}  // namespace aegis::test
