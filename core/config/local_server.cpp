#include "core/config/local_server.hpp"

#include <thread>

#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/net.hpp"
#include "core/util/paths.hpp"
#include "core/util/process.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::config {

std::string local_server_state_file() { return util::state_dir() + "/nats-server.json"; }

namespace {

void save(const LocalServer& s) {
    Json j = {{"pid", s.pid},           {"port", s.port},
              {"url", s.url},           {"data_dir", s.data_dir},
              {"log_file", s.log_file}, {"started_at", s.started_at},
              {"start_time", s.start_time}, {"cmdline", s.cmdline}};
    util::write_file(local_server_state_file(), j.dump(2) + "\n");
}

std::optional<LocalServer> load() {
    std::string text;
    try {
        text = util::read_file(local_server_state_file());
    } catch (const NoInputError&) {
        return std::nullopt;
    }
    try {
        Json j = wire::from_json(text);
        LocalServer s;
        s.pid = j.at("pid").get<pid_t>();
        s.port = j.at("port").get<int>();
        s.url = j.at("url").get<std::string>();
        s.data_dir = j.value("data_dir", "");
        s.log_file = j.value("log_file", "");
        s.started_at = j.value("started_at", "");
        s.start_time = j.value("start_time", 0ULL);
        s.cmdline = j.value("cmdline", "");
        return s;
    } catch (const std::exception&) {
        return std::nullopt;  // a corrupt state file is treated as no server
    }
}

}  // namespace

namespace {

LocalServer start_server(const UpOptions& o, bool* started) {
    std::string exe = util::find_in_path("nats-server");
    if (exe.empty())
        throw UnavailableError("nats-server is not installed",
                               "install it with 'sudo apt-get install nats-server'");
    if (util::port_open("127.0.0.1", o.port, std::chrono::milliseconds(300))) {
        bool nats = util::probe_nats("127.0.0.1", o.port);
        throw UnavailableError(
            "port " + std::to_string(o.port) + " is already in use" +
                (nats ? " by another NATS server" : ""),
            nats ? "use it with --server nats://127.0.0.1:" + std::to_string(o.port)
                 : "choose another with 'aegis up --port N'");
    }
    LocalServer s;
    s.port = o.port;
    s.url = "nats://127.0.0.1:" + std::to_string(o.port);
    s.data_dir = o.data_dir.empty() ? util::state_dir() + "/jetstream" : o.data_dir;
    s.log_file = util::state_dir() + "/nats-server.log";
    util::make_dirs(s.data_dir);
    util::SpawnOptions so;
    so.argv = {exe, "-a", "127.0.0.1", "-p", std::to_string(o.port), "-js", "-sd", s.data_dir,
               "--server_name", "aegis-local"};
    so.stdout_path = s.log_file;
    so.stderr_path = "=stdout";
    so.new_session = true;
    s.pid = util::spawn(so);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!util::probe_nats("127.0.0.1", o.port, std::chrono::milliseconds(200))) {
        if (!util::alive(s.pid))
            throw UnavailableError("nats-server exited at start", "see " + s.log_file);
        if (std::chrono::steady_clock::now() > deadline) {
            util::terminate(s.pid);
            throw UnavailableError("nats-server did not become ready in 10 s",
                                   "see " + s.log_file);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    s.started_at = wire::rfc3339_ms(std::chrono::system_clock::now());
    s.start_time = util::process_start_time(s.pid);
    s.cmdline = util::process_cmdline(s.pid);
    s.running = true;
    save(s);
    if (started) *started = true;
    return s;
}

}  // namespace

namespace {

// The pid may have been reused since, even by another nats-server: the process is ours only when
// its start time and command line are the ones recorded. A state file from before those were
// recorded needs the command line 'aegis up' gives (its port and server name).
bool is_ours(const LocalServer& s) {
    if (s.pid <= 0 || !util::alive(s.pid) || util::process_name(s.pid) != "nats-server")
        return false;
    std::string cmdline = util::process_cmdline(s.pid);
    if (s.start_time != 0)
        return util::process_start_time(s.pid) == s.start_time && cmdline == s.cmdline;
    std::string args = cmdline + " ";
    return args.find(" -p " + std::to_string(s.port) + " ") != std::string::npos &&
           args.find(" --server_name aegis-local ") != std::string::npos;
}

}  // namespace

std::optional<LocalServer> local_server_status() {
    auto s = load();
    if (!s) return s;
    s->running = is_ours(*s) && util::probe_nats("127.0.0.1", s->port);
    return s;
}

LocalServer local_server_up(const UpOptions& o, bool* started) {
    if (started) *started = false;
    if (auto s = local_server_status(); s && s->running) {
        if (o.port == s->port || o.port == 0) return *s;
        throw UsageError("a local nats-server is already running on port " +
                             std::to_string(s->port),
                         "'aegis down' first to move it to port " + std::to_string(o.port));
    }
    UpOptions opts = o;
    if (opts.port == 0) opts.port = util::free_port();
    return start_server(opts, started);
}

bool local_server_down() {
    auto s = local_server_status();
    if (!s) return false;
    bool was_running = is_ours(*s);
    if (was_running)
        util::terminate(s->pid, std::chrono::milliseconds(5000));
    else if (util::alive(s->pid))
        log::warn("pid {} ({}) is not the one 'aegis up' started: left alone", s->pid,
                  util::process_name(s->pid));
    std::remove(local_server_state_file().c_str());
    return was_running;
}

}  // namespace aegis::config
