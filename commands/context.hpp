#pragma once
// What every command gets: the global options, output helpers and a lazily made NATS connection.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/output/style.hpp"
#include "core/wire/json.hpp"

namespace CLI {
class App;
}
namespace aegis {
class Error;
}
namespace aegis::nats {
class Connection;
}
namespace aegis::config {
struct SdkConfig;
struct Resolution;
}  // namespace aegis::config

namespace aegis::cmd {

struct GlobalOptions {
    std::string server;   // --server URL
    std::string context;  // --context NAME (a named profile in the config file)
    std::string config_file;  // --config FILE
    std::string creds;        // --creds FILE
    bool json = false;
    std::string color = "auto";
    int verbose = 0;
    bool quiet = false;
};

class Context {
public:
    Context();
    ~Context();  // releases the connection, and with it a port-forward it went through
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    GlobalOptions global;
    // The command chosen on the command line runs after parsing, inside main's error boundary.
    std::function<int()> run;
    // The words of the command line that are not options (the command path, then arguments).
    // Tables set up only the entry named here, so a command builds one parser, not all of them;
    // without a match (help, a typo) they set up every entry.
    std::vector<std::string> words;
    // True when word `depth` names one of `names`, i.e. a table may set up that entry alone.
    template <class Table>
    bool names_one_of(size_t depth, const Table& table) const {
        if (words.size() <= depth) return false;
        for (const auto& e : table)
            if (words[depth] == e.name) return true;
        return false;
    }
    bool selects(size_t depth, const char* name) const {
        return words.size() <= depth || words[depth] == name;
    }

    // Applies --color / -v / -q once parsing is done.
    void finish_setup();
    output::Style out_style() const { return m_out; }  // for stdout
    output::Style err_style() const { return m_err; }  // for stderr
    bool stdout_tty() const;
    // True when the process started with stdin closed (it is /dev/null now: see the
    // constructor) or reading from /dev/null: nothing to read commands from.
    bool stdin_closed() const { return m_stdin_closed; }

    // The effective configuration: defaults, config file (--config, --context), environment,
    // flags (--server, --creds). Loaded on first use; ConfigError (78) for a bad file.
    const config::SdkConfig& config();
    // Connects on first use (cached), with "auto" resolution, auth and TLS from config().
    // `purpose` names the connection ("aegis call").
    std::shared_ptr<nats::Connection> nats(const std::string& purpose = "aegis");
    // Closes the cached connection (before the server it talks to is stopped on purpose).
    void release_nats();
    // The URL nats() uses (resolving it may start a supervised port-forward).
    std::string nats_url();
    // How the URL was found; resolves on first use (throws when nothing was found).
    const config::Resolution& resolution();

    // Results to stdout: one JSON document, or text.
    void print_json(const Json& v) const;
    void print(const std::string& text) const;
    // The one way an error reaches the user, on stderr: "aegis: error: MESSAGE (HINT)", or under
    // --json {"error":{"message","code","hint"}}. `code` is the exit code that follows.
    void print_error(const std::string& message, const std::string& hint, int code) const;
    // An aegis::Error: its lines (Error::lines) one under the other, the hint after the last.
    void print_error(const Error& e) const;

private:
    void print_error_lines(const std::vector<std::string>& lines, const std::string& hint,
                           int code) const;
    output::Style m_out, m_err;
    bool m_stdin_closed = false;
    std::unique_ptr<config::SdkConfig> m_config;
    std::unique_ptr<config::Resolution> m_resolution;
    std::shared_ptr<nats::Connection> m_conn;
};

// What main does for a command (the `flags` of its table row).
enum CommandFlag : unsigned {
    k_needs_nats = 1u << 0,  // connects to NATS: its --help lists the connection flags
    k_stoppable = 1u << 1,   // runs until stopped: main installs the SIGINT/SIGTERM handlers;
                             // Ctrl-C ends it with exit 130, a second Ctrl-C at once
    k_whole_tree = 1u << 2,  // reads every command (help, completion): main sets them all up
    k_cleans_up = 1u << 3,   // runs until stopped, then removes what it created (aegis test):
                             // Ctrl-C ends it with exit 130 after that cleanup, and a second
                             // Ctrl-C does not cut the cleanup short (it says so on stderr)
};

// One row of the command table (app/command_table.cpp is the only list of commands). `setup`
// adds the subcommand `name` with its options; main then gives it `summary` as its description
// and appends `examples`, `exit_codes` and the global options to its --help (and to the man page,
// which is read from the same tree).
struct CommandSpec {
    const char* name;
    const char* summary;
    void (*setup)(CLI::App& root, Context& ctx);
    const char* examples = "";    // one command line per line
    unsigned flags = 0;           // CommandFlag bits
    const char* exit_codes = "";  // "0 ok; 2 usage; ...": the codes docs/commands/NAME.md names
};

}  // namespace aegis::cmd
