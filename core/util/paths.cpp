#include "core/util/paths.hpp"
#include <string>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/util/error.hpp"

namespace aegis::util {

namespace {
std::string home() {
    const char* h = std::getenv("HOME");
    return h && *h ? h : "/tmp";
}
std::string xdg(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    if (v && *v) return std::string(v) + "/aegis";
    return home() + "/" + fallback + "/aegis";
}
}  // namespace

std::string state_dir() {
    std::string d = xdg("XDG_STATE_HOME", ".local/state");
    make_dirs(d);
    return d;
}

std::string config_dir() { return xdg("XDG_CONFIG_HOME", ".config"); }

void make_dirs(const std::string& path) {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) throw IoError("cannot create '" + path + "': " + ec.message());
}

std::string read_file(const std::string& path, size_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw IoError("'" + path + "' is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) throw NoInputError("no such file '" + path + "'");
        throw IoError("cannot read '" + path + "': " + std::strerror(errno));
    }
    std::string out;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        out.append(buf, static_cast<size_t>(in.gcount()));
        if (out.size() > max_bytes)
            throw IoError("'" + path + "' is larger than " + std::to_string(max_bytes >> 10) +
                          " KiB: not read");
    }
    if (in.bad()) throw IoError("cannot read '" + path + "': " + std::strerror(errno));
    return out;
}

void write_file(const std::string& path, const std::string& content) {
    std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw IoError("cannot write '" + tmp + "': " + std::strerror(errno));
        out << content;
        if (!out) throw IoError("cannot write '" + tmp + "'");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw IoError("cannot replace '" + path + "': " + ec.message());
}

}  // namespace aegis::util
