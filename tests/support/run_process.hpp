#pragma once
// Running the built `aegis` binary from tests.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace aegis::test {

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    std::chrono::milliseconds took{0};
};

// Runs `aegis args...` to completion (killed after `timeout`), optionally feeding `input`.
ProcessResult run_aegis(const std::vector<std::string>& args,
                        const std::vector<std::pair<std::string, std::string>>& env = {},
                        const std::string& input = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

// `aegis args... | head -1`: stdout on a pipe whose read end is closed once the first line has
// arrived (within `first_line`); then up to `exit_within` for the process to end (else it is
// SIGKILLed and `exited` stays false).
struct HeadResult {
    bool got_line = false;
    bool exited = false;
    int exit_code = -1;
    std::string first;  // what was read before closing
    std::string err;    // all of stderr
};
HeadResult run_aegis_head1(const std::vector<std::string>& args,
                           std::chrono::milliseconds first_line = std::chrono::seconds(30),
                           std::chrono::milliseconds exit_within = std::chrono::seconds(5));

// Runs any program (`argv[0]` looked up on PATH), e.g. a shell over a completion script.
ProcessResult run_program(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& env = {},
                          const std::string& input = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
// Every command path of the binary ({"call"}, {"demo", "echo"}, ...), from `aegis help --commands`
// (read from the command table, so tests keep no list of their own).
std::vector<std::vector<std::string>> aegis_commands();

// True when `name` is an executable on PATH (tests of optional tools skip without it).
bool on_path(const std::string& name);

// A background `aegis ...` (e.g. a demo service); SIGTERM and reaped on destruction.
class Background {
public:
    Background(const std::vector<std::string>& args,
               const std::vector<std::pair<std::string, std::string>>& env = {});
    ~Background();
    Background(const Background&) = delete;
    pid_t pid() const { return m_pid; }
    std::string output() const;  // stdout + stderr so far
    // Waits until the output contains `text`; false on timeout.
    bool wait_for_output(const std::string& text,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    int stop(int signal = 15, std::chrono::milliseconds grace = std::chrono::seconds(5));
    bool running() const;

private:
    pid_t m_pid = 0;
    std::string m_log;
    int m_exit = -1;
};

std::string aegis_binary();
std::string shared_dir();
std::string source_dir();

}  // namespace aegis::test
