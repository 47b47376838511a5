#include "commands/context.hpp"
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstring>

#include "core/config/connect.hpp"
#include "core/config/nats_url.hpp"
#include "core/config/sdk_config.hpp"
#include "core/output/visible.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/signals.hpp"
#include "core/wire/codec.hpp"

namespace aegis::cmd {

void Context::finish_setup() {
    auto mode = output::parse_color_mode(global.color);
    m_out.color = output::use_color(mode, STDOUT_FILENO);
    m_err.color = output::use_color(mode, STDERR_FILENO);
    log::set_color(m_err.color);
    log::set_notes(!global.json);
    log::init_from_env();
    if (global.quiet) log::set_level(log::Level::warn);
    if (global.verbose == 1) log::set_level(log::Level::debug);
    if (global.verbose >= 2) log::set_level(log::Level::trace);
}

bool Context::stdout_tty() const { return output::is_tty(STDOUT_FILENO); }

// A descriptor 0-2 left closed by the caller would go to the next file or socket opened (the
// NATS connection): reading "stdin" would then read the server's protocol. They are pointed at
// /dev/null before anything else is opened.
Context::Context() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        if (fd == 0) m_stdin_closed = true;
        int null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) {
            dup2(null, fd);
            close(null);
        }
    }
    struct stat in {}, null {};
    if (fstat(0, &in) == 0 && stat("/dev/null", &null) == 0 && S_ISCHR(in.st_mode) &&
        in.st_rdev == null.st_rdev)
        m_stdin_closed = true;
}
Context::~Context() = default;

const config::SdkConfig& Context::config() {
    if (!m_config) {
        config::LoadOptions o;
        o.config_file = global.config_file;
        o.context = global.context;
        o.server = global.server;
        o.creds_file = global.creds;
        m_config = std::make_unique<config::SdkConfig>(config::load_config(o));
    }
    return *m_config;
}

const config::Resolution& Context::resolution() {
    if (!m_resolution) {
        auto r = config::resolve_nats_url(config());
        if (!r.found()) config::throw_unresolved(r);
        m_resolution = std::make_unique<config::Resolution>(std::move(r));
    }
    return *m_resolution;
}

std::string Context::nats_url() { return resolution().url; }

std::shared_ptr<nats::Connection> Context::nats(const std::string& purpose) {
    if (!m_conn) m_conn = config::connect_resolved(config(), resolution(), purpose);
    return m_conn;
}

void Context::release_nats() { m_conn.reset(); }

void Context::print_json(const Json& v) const {
    print(v.dump(m_out.color ? 2 : -1, ' ', false, Json::error_handler_t::replace) + "\n");
}

// A reader that went away (`| head -1`) ends the command quietly, as SIGPIPE would (we ignore it
// so that the command can stop its children first); any other failure (a full disk) is an error.
void Context::print(const std::string& text) const {
    if (util::output_closed()) return;
    errno = 0;
    bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    ok = std::fflush(stdout) == 0 && ok;
    if (ok) return;
    int err = errno;
    std::clearerr(stdout);
    util::note_output_closed();
    if (err != EPIPE)
        throw IoError(std::string("cannot write to standard output: ") + std::strerror(err));
}

namespace {

// Each line aegis composed, on a line of its own: what the lines quote from the network is
// rendered visibly (a line break in a remote error is \x0a, not a line that looks like ours).
std::string error_text(const std::vector<std::string>& lines, const std::string& hint,
                       const output::Style& st) {
    std::string out = st.bold("aegis: ") + st.red("error:") + " ";
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + output::visible(lines[i]);
    if (!hint.empty()) out += " (" + output::visible(hint) + ")";
    return out;
}

}  // namespace

void Context::print_error(const Error& e) const {
    print_error_lines(e.lines(), e.hint(), e.code());
}

void Context::print_error(const std::string& message, const std::string& hint, int code) const {
    print_error_lines({message}, hint, code);
}

void Context::print_error_lines(const std::vector<std::string>& lines, const std::string& hint,
                                int code) const {
    std::string text;
    if (global.json) {
        std::string message;
        for (size_t i = 0; i < lines.size(); ++i) message += (i ? "\n" : "") + lines[i];
        Json e = {{"message", message}, {"code", code}};
        if (!hint.empty()) e["hint"] = hint;
        text = Json{{"error", e}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    } else {
        text = error_text(lines, hint, m_err);
    }
    std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace aegis::cmd
