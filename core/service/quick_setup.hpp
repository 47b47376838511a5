#pragma once
// The short path for service authors: read the command line, find NATS, connect, build a Service.
//
//     int main(int argc, char** argv) {
//         auto svc = aegis::quick_setup("my-service", argc, argv);
//         svc.rpc("echo", [](const aegis::Json& p) { return p; });
//         return svc.run();
//     }
//
// The argc/argv overloads make the program behave like an aegis command: `--help` prints the
// options and exits 0, an unknown option exits 2, a start line names the service, the instance and
// the NATS server reached (never its credentials), and a failure to configure or to reach NATS is
// one `NAME: error: ...` line and the documented exit code (78 bad config, 69 unavailable, 77 auth)
// instead of an uncaught exception. They are the program's command-line boundary, so they end the
// process in those cases; the overloads taking QuickOptions throw aegis::Error as the rest of
// the SDK does.
#include <memory>
#include <string>

#include "core/service/service.hpp"
#include "core/service/single_active.hpp"

namespace aegis {

struct QuickOptions {
    // empty: "auto" resolution (config file, AEGIS_NATS_URL / NATS_URL, in-cluster, an existing
    // forward, Kubernetes port-forward, 'aegis up'), see core/config/nats_url.hpp
    std::string server;
    std::string config_file;  // empty: $AEGIS_CONFIG, ./aegis.yaml, $XDG_CONFIG_HOME/aegis
    std::string context;      // a named context of the config file
    std::string creds_file;   // NATS credentials file (else $NATS_CREDS or the config file)
    // empty: the config's service_name ($AEGIS_SERVICE_NAME), else the name the program passes
    // (a scenario or a test runs the same program under a name of its own)
    std::string service;
    std::string instance_id;  // empty: $AEGIS_INSTANCE_ID, else <name>-<8 hex>
    std::string version = "1.0.0";
    std::string description;
    int verbosity = 0;        // -v: +1, -q: -1 (the log level; AEGIS_LOG still applies)
};

// What the command line asked for. Throws UsageError (exit 2) for an unknown option or an
// option without its value.
struct QuickArgs {
    QuickOptions options;
    bool help = false;
};
QuickArgs parse_quick_args(int argc, const char* const* argv);
// The --help text of a quick_setup program.
std::string quick_help(const std::string& program, const std::string& service);

Service quick_setup(const std::string& name, const QuickOptions& options = {});
SingleActiveService quick_setup_single_active(const std::string& name,
                                              const QuickOptions& options = {},
                                              SingleActiveOptions single = {});

// For a client (no service registered): the configured, "auto"-resolved connection, named
// "aegis/<name>". Use it with aegis::Client, registry::Registry, aegis::EventPublisher, ...
std::shared_ptr<nats::Connection> quick_connect(const std::string& name,
                                                const QuickOptions& options = {});

// Command-line boundary versions (see the top of this file).
Service quick_setup(const std::string& name, int argc, char** argv);
SingleActiveService quick_setup_single_active(const std::string& name, int argc, char** argv,
                                              SingleActiveOptions single = {});
std::shared_ptr<nats::Connection> quick_connect(const std::string& name, int argc, char** argv);

// Connects to one explicit URL with the project's defaults (name "aegis/<what>", reconnect
// forever) and no auth; config::connect() is the configured, "auto"-resolving way.
std::shared_ptr<nats::Connection> connect_nats(const std::string& url, const std::string& name);

}  // namespace aegis
