// A project is written whole or not at all: a full disk half-way must not leave a half-written
// directory that the next run then refuses ("exists and is not empty").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "core/quickstart/quickstart.hpp"
#include "core/util/error.hpp"
#include "core/util/uuid.hpp"

namespace aegis::quickstart {

namespace {

namespace fs = std::filesystem;

std::string error_text(int err) { return std::strerror(err); }

// Every byte written and the file closed without error, or IoError (EFBIG, ENOSPC, EIO) naming
// the file as the user will know it (`shown`), not by its temporary path.
void write_file(const fs::path& path, const std::string& content, const fs::path& shown) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw IoError("cannot write '" + shown.string() + "': " + error_text(errno));
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;
            ::close(fd);
            throw IoError("cannot write '" + shown.string() + "': " + error_text(err));
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0)
        throw IoError("cannot write '" + shown.string() + "': " + error_text(errno));
}

// A fresh directory beside `dir` (same file system, so the final rename is atomic), with the
// mode a plain mkdir gives under the user's umask.
fs::path make_staging(const fs::path& dir) {
    fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    for (int attempt = 0; attempt < 20; ++attempt) {
        fs::path staging = parent / ("." + dir.filename().string() + ".aegis-tmp-" +
                                     util::random_hex(8));
        if (::mkdir(staging.c_str(), 0777) == 0) return staging;
        if (errno == EEXIST) continue;
        int err = errno;
        if (err == ENOSPC || err == EDQUOT || err == EIO)
            throw IoError("cannot create a directory in '" + parent.string() +
                          "': " + error_text(err));
        throw CantCreateError("cannot create a directory in '" + parent.string() + "': " +
                              error_text(err));
    }
    throw CantCreateError("cannot create a temporary directory in '" + parent.string() + "'");
}

// `dir` exists and is empty (checked by the caller): rename over it, or, when that is refused
// ('.', a mount point), move the entries in one by one.
void move_into(const fs::path& staging, const fs::path& dir) {
    if (::rename(staging.c_str(), dir.c_str()) == 0) return;
    if (errno != EBUSY && errno != EINVAL && errno != EXDEV && errno != EACCES &&
        errno != EPERM && errno != ENOTEMPTY && errno != EEXIST)
        throw IoError("cannot rename '" + staging.string() + "' to '" + dir.string() +
                      "': " + error_text(errno));
    std::vector<fs::path> moved;
    for (const auto& e : fs::directory_iterator(staging)) {
        fs::path target = dir / e.path().filename();
        if (::rename(e.path().c_str(), target.c_str()) != 0) {
            int err = errno;
            std::error_code ec;
            for (const auto& m : moved) fs::remove_all(m, ec);
            throw IoError("cannot move '" + e.path().string() + "' into '" + dir.string() +
                          "': " + error_text(err));
        }
        moved.push_back(target);
    }
    std::error_code ec;
    fs::remove(staging, ec);
}

}  // namespace

void write_project(const std::string& dir_text, const std::vector<File>& files) {
    fs::path dir(dir_text);
    while (!dir.empty() && dir.filename().empty()) dir = dir.parent_path();  // "x/" → "x"
    if (dir.empty()) dir = dir_text;
    fs::path staging = make_staging(dir);
    try {
        for (const auto& f : files) {
            fs::path target = staging / f.path;
            std::error_code ec;
            fs::create_directories(target.parent_path(), ec);
            if (ec)
                throw IoError("cannot create '" + target.parent_path().string() +
                              "': " + ec.message());
            write_file(target, f.content, dir / f.path);
        }
        std::error_code ec;
        if (fs::exists(dir, ec)) {
            move_into(staging, dir);
        } else if (::rename(staging.c_str(), dir.c_str()) != 0) {
            throw IoError("cannot rename '" + staging.string() + "' to '" + dir.string() +
                          "': " + error_text(errno));
        }
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
}

}  // namespace aegis::quickstart
