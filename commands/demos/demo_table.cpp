#include <CLI/CLI.hpp>

#include "commands/demos/demo.hpp"

namespace aegis::cmd::demos {

void setup_echo(CLI::App&, Context&);

const std::vector<DemoSpec>& demo_table() {
    static const std::vector<DemoSpec> table = {
        {"echo", "load-balanced echo service 'echo-service' (echo, status, delay_echo)", setup_echo},
    };
    return table;
}

}  // namespace aegis::cmd::demos
