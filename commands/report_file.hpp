#pragma once
// A report a command also leaves in a file: `aegis load --out` (JSON), `aegis test --junit` (XML).
#include <string>

namespace aegis::cmd {

// Writes `text` to `path`, replacing the file; IoError (74) naming `what` when it cannot.
void write_report_file(const std::string& path, const std::string& text, const std::string& what);

}  // namespace aegis::cmd
