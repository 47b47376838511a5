#pragma once
#include <string>

namespace aegis::util {
// $XDG_STATE_HOME/aegis (default ~/.local/state/aegis), created on demand.
std::string state_dir();
std::string config_dir();  // $XDG_CONFIG_HOME/aegis (default ~/.config/aegis), not created
void make_dirs(const std::string& path);  // mkdir -p; IoError on failure
std::string read_file(const std::string& path);  // NoInputError when missing
void write_file(const std::string& path, const std::string& content);  // atomic replace
}  // namespace aegis::util
