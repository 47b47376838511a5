#pragma once
#include <string>
#include <vector>

#include "commands/context.hpp"

namespace aegis::app {
// The only list of commands (docs/adding-a-command.md).
const std::vector<cmd::CommandSpec>& command_table();
std::string version_text();
}  // namespace aegis::app
