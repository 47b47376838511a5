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
}  // namespace aegis::cmd

namespace aegis::app {

const std::vector<cmd::CommandSpec>& command_table() {
    static const std::vector<cmd::CommandSpec> table = {
        {"call", "call a service method: aegis call SERVICE METHOD [JSON | key=value ...]",
         cmd::setup_call},
        {"demo", "run an example service (aegis demo lists them)", cmd::setup_demo},
        {"up", "start a local JetStream nats-server in the background", cmd::setup_up},
        {"down", "stop the local nats-server started by 'aegis up'", cmd::setup_down},
    };
    return table;
}

std::string version_text() {
    return std::string("aegis ") + AEGIS_VERSION + " (nats.c " + nats::library_version() + ")";
}

}  // namespace aegis::app
