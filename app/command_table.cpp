// The command table: the one place that lists aegis's commands. Adding a command = one file in
// commands/, one declaration and one row here, one docs/commands/<name>.md (tests check both).
#include "app/command_table.hpp"

#include <CLI/CLI.hpp>

#include "core/nats/version.hpp"

namespace aegis::cmd {
void setup_call(CLI::App&, Context&);
void setup_demo(CLI::App&, Context&);
void setup_up(CLI::App&, Context&);
void setup_down(CLI::App&, Context&);
void setup_failover(CLI::App&, Context&);
void setup_explore(CLI::App&, Context&);
void setup_monitor(CLI::App&, Context&);
void setup_config(CLI::App&, Context&);
void setup_discover(CLI::App&, Context&);
void setup_validate(CLI::App&, Context&);
void setup_events(CLI::App&, Context&);
void setup_command(CLI::App&, Context&);
void setup_completion(CLI::App&, Context&);
void setup_test(CLI::App&, Context&);
}  // namespace aegis::cmd

namespace aegis::app {

const std::vector<cmd::CommandSpec>& command_table() {
    static const std::vector<cmd::CommandSpec> table = {
        {"call", "call a service method: aegis call SERVICE METHOD [JSON | key=value ...]",
         cmd::setup_call},
        {"demo", "run an example service (aegis demo lists them)", cmd::setup_demo},
        {"up", "start a local JetStream nats-server in the background", cmd::setup_up},
        {"down", "stop the local nats-server started by 'aegis up'", cmd::setup_down},
        {"failover", "measure leader failover of a single-active service (--spawn N to kill)",
         cmd::setup_failover},
        {"explore", "services, instances, leaders, staleness: aegis explore [SERVICE] [--watch]",
         cmd::setup_explore},
        {"monitor", "live view: rates, latency, leaders, events per service and instance",
         cmd::setup_monitor},
        {"config", "show the effective configuration and where each value came from",
         cmd::setup_config},
        {"discover", "which NATS URL auto-discovery finds (env, Kubernetes, port-forward)",
         cmd::setup_discover},
        {"validate", "doctor: config, Kubernetes, port-forward, NATS, buckets, services",
         cmd::setup_validate},
        {"events", "events: tail the event stream live, publish an event", cmd::setup_events},
        {"command", "send a command to a service and follow its progress", cmd::setup_command},
        {"test", "run scenarios that prove a deployment works: aegis test [NAME ...] (CI)",
         cmd::setup_test},
        {"completion", "print a completion script for bash, zsh or fish", cmd::setup_completion},
    };
    return table;
}

std::string version_text() {
    return std::string("aegis ") + AEGIS_VERSION + " (nats.c " + nats::library_version() + ")";
}

}  // namespace aegis::app
