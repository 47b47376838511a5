#include "commands/report_file.hpp"
#include <string>

#include <fstream>

#include "core/util/error.hpp"

namespace aegis::cmd {

void write_report_file(const std::string& path, const std::string& text, const std::string& what) {
    std::ofstream out(path);
    if (!(out << text) || !out.flush())
        throw IoError("cannot write the " + what + " to '" + path + "'",
                      "check the directory exists and is writable");
}

}  // namespace aegis::cmd
