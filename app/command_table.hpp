#pragma once
#include <string>
#include <vector>

#include "commands/context.hpp"

namespace aegis::app {
// The only list of commands (docs/adding-a-command.md).
const std::vector<cmd::CommandSpec>& command_table();
const cmd::CommandSpec* find_command(const std::string& name);  // nullptr: no such row
std::string version_text();
}  // namespace aegis::app
