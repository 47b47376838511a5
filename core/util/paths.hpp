#pragma once
#include <cstddef>
#include <string>

namespace aegis::util {
// $XDG_STATE_HOME/aegis (default ~/.local/state/aegis), created on demand.
std::string state_dir();
std::string config_dir();  // $XDG_CONFIG_HOME/aegis (default ~/.config/aegis), not created
void make_dirs(const std::string& path);  // mkdir -p; IoError on failure
// A whole file; NoInputError when missing, IoError when it is a directory, unreadable or larger
// than `max_bytes` (never read without bound: /dev/zero, a log passed by mistake).
std::string read_file(const std::string& path, size_t max_bytes = 16u << 20);
void write_file(const std::string& path, const std::string& content);  // atomic replace
}  // namespace aegis::util
