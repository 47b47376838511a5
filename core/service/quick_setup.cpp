#include "core/service/quick_setup.hpp"
#include <memory>
#include <string>
#include <vector>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/config/connect.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/visible.hpp"
#include "core/wire/names.hpp"

namespace aegis {

namespace {

// The options that take a value, by every spelling.
const char* option_value_target(std::string_view flag, QuickOptions& o, std::string** out) {
    if (flag == "-s" || flag == "--server") *out = &o.server;
    else if (flag == "--config") *out = &o.config_file;
    else if (flag == "--context") *out = &o.context;
    else if (flag == "--creds") *out = &o.creds_file;
    else if (flag == "--instance-id") *out = &o.instance_id;
    else if (flag == "--service") *out = &o.service;
    else return nullptr;
    return "ok";
}

// -v / -vv / -q / --verbose / --quiet; false when `a` is not one of them.
bool verbosity_flag(std::string_view a, int& verbosity) {
    if (a == "--verbose") return ++verbosity, true;
    if (a == "--quiet" || a == "-q") return --verbosity, true;
    if (a.size() >= 2 && a[0] == '-' && a.find_first_not_of('v', 1) == std::string_view::npos) {
        verbosity += static_cast<int>(a.size() - 1);
        return true;
    }
    return false;
}

void apply_verbosity(int verbosity) {
    log::init_from_env();
    if (verbosity > 0) log::set_level(verbosity > 1 ? log::Level::trace : log::Level::debug);
    if (verbosity < 0) log::set_level(log::Level::warn);
}

std::string program_name(int argc, char** argv, const std::string& fallback) {
    if (argc < 1 || !argv[0] || !*argv[0]) return fallback;
    const char* slash = std::strrchr(argv[0], '/');
    return slash ? slash + 1 : argv[0];
}

// The lines as composed (Error::lines), one under the other; what they quote from the network
// (a server's or kubectl's error text) is rendered visibly, a line break in it as \x0a.
[[noreturn]] void fail(const std::string& program, int code,
                       const std::vector<std::string>& lines, const std::string& hint) {
    std::string text = program + ": error: ";
    for (size_t i = 0; i < lines.size(); ++i) text += (i ? "\n" : "") + util::visible(lines[i]);
    if (!hint.empty()) text += " (" + util::visible(hint) + ")";
    std::fprintf(stderr, "%s\n", text.c_str());
    std::exit(code);
}

struct Connected {
    std::shared_ptr<nats::Connection> conn;
    ServiceOptions options;
};

// The instance id: --instance-id, else $AEGIS_INSTANCE_ID (what `aegis failover --spawn-cmd` and
// a scenario's spawn give their children), else <name>-<8 hex>.
std::string instance_id_for(const std::string& name, const QuickOptions& options) {
    if (!options.instance_id.empty()) return options.instance_id;
    if (const char* env = std::getenv(wire::k_instance_id_env); env && *env) return env;
    return wire::default_instance_id(name);
}

Connected connect_for(const std::string& given, const QuickOptions& options,
                      bool service = true) {
    config::LoadOptions lo;
    lo.server = options.server;
    lo.config_file = options.config_file;
    lo.context = options.context;
    lo.creds_file = options.creds_file;
    auto cfg = config::load_config(lo);
    if (cfg.debug && log::level() > log::Level::debug) log::set_level(log::Level::debug);
    // --service, else the config's service_name ($AEGIS_SERVICE_NAME), else the program's own.
    std::string name = given;
    if (service) name = !options.service.empty() ? options.service
                        : !cfg.service_name.empty() ? cfg.service_name : given;
    wire::require_service_name(name);
    Connected c;
    c.options.name = name;
    c.options.instance_id = instance_id_for(name, options);
    wire::require_instance_id(c.options.instance_id);
    c.options.version = options.version;
    c.options.description = options.description;
    c.options.heartbeat_interval = cfg.heartbeat_interval;
    c.options.max_pending = cfg.max_pending;
    c.options.stop_grace = cfg.stop_grace;
    // The port-forward, when one was needed, is owned by the connection the Service holds.
    config::Resolution r;
    c.conn = config::connect(cfg, "aegis/" + name, &r);
    std::string url = nats::redact_url(r.url.empty() ? c.conn->connected_url() : r.url);
    // The start line: which service, which instance, which NATS (never its credentials).
    std::string from = r.source.empty() ? "" : " (" + r.source + ")";
    if (service)
        log::info("{}: instance {} connected to NATS {}{}", name, c.options.instance_id, url, from);
    else
        log::info("{}: connected to NATS {}{}", name, url, from);
    return c;
}

// Parses argv; --help prints and exits 0, a usage error exits 2.
QuickOptions options_or_exit(const std::string& name, const std::string& program, int argc,
                             char** argv) {
    try {
        auto args = parse_quick_args(argc, argv);
        if (args.help) {
            std::fputs(quick_help(program, name).c_str(), stdout);
            std::exit(exit_code::ok);
        }
        apply_verbosity(args.options.verbosity);
        return args.options;
    } catch (const Error& e) {
        fail(program, e.code(), e.lines(), "see '" + program + " --help'");
    }
}

}  // namespace

QuickArgs parse_quick_args(int argc, const char* const* argv) {
    QuickArgs r;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        std::string inline_value;
        bool has_inline = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string_view::npos) {
            inline_value = std::string(a.substr(eq + 1));
            a = a.substr(0, eq);
            has_inline = true;
        }
        std::string* target = nullptr;
        if (a == "-h" || a == "--help") {
            r.help = true;
        } else if (option_value_target(a, r.options, &target)) {
            if (!has_inline && i + 1 >= argc)
                throw UsageError("option '" + std::string(a) + "' needs a value");
            *target = has_inline ? inline_value : argv[++i];
        } else if (!has_inline && verbosity_flag(a, r.options.verbosity)) {
        } else if (a.size() > 1 && a[0] == '-') {
            throw UsageError("unknown option '" + std::string(a) + "'");
        } else {
            throw UsageError("unexpected argument '" + std::string(a) + "'");
        }
    }
    return r;
}

std::string quick_help(const std::string& program, const std::string& service) {
    return "usage: " + program + " [options]\n\n" +
           "Runs an instance of the aegis service '" + service +
           "' until SIGINT or SIGTERM.\n\n"
           "options:\n"
           "  -s, --server URL      NATS URL (default: auto: $AEGIS_NATS_URL, $NATS_URL, config\n"
           "                        file, Kubernetes, 'aegis up')\n"
           "      --context NAME    named profile from the config file\n"
           "      --config FILE     config file (default: $AEGIS_CONFIG, ./aegis.yaml,\n"
           "                        ~/.config/aegis/config.yaml)\n"
           "      --creds FILE      NATS credentials file (default: $NATS_CREDS)\n"
           "      --service NAME    register as NAME instead of '" + service + "'\n"
           "                        (default: $AEGIS_SERVICE_NAME)\n"
           "      --instance-id ID  instance id (default: $AEGIS_INSTANCE_ID, else " + service +
           "-<8 hex>)\n"
           "  -v, --verbose         more logging (-vv for trace); AEGIS_LOG=debug|info|warn\n"
           "  -q, --quiet           only warnings and errors on stderr\n"
           "  -h, --help            print this help and exit\n\n"
           "exit codes: 0 stopped cleanly, 2 usage, 66 missing file, 69 NATS unavailable,\n"
           "77 auth, 78 bad config\n";
}

std::shared_ptr<nats::Connection> connect_nats(const std::string& url, const std::string& name) {
    nats::ConnectOptions o;
    o.servers = {url};
    o.name = name;
    o.on_disconnected = [name] { log::warn("{}: disconnected from NATS, reconnecting", name); };
    o.on_reconnected = [name] { log::info("{}: reconnected to NATS", name); };
    return nats::Connection::connect(o);
}

Service quick_setup(const std::string& name, const QuickOptions& options) {
    auto c = connect_for(name, options);
    return Service(std::move(c.conn), std::move(c.options));
}

SingleActiveService quick_setup_single_active(const std::string& name,
                                              const QuickOptions& options,
                                              SingleActiveOptions single) {
    auto c = connect_for(name, options);
    return SingleActiveService(std::move(c.conn), std::move(c.options), std::move(single));
}

std::shared_ptr<nats::Connection> quick_connect(const std::string& name,
                                                const QuickOptions& options) {
    return connect_for(name, options, false).conn;
}

std::shared_ptr<nats::Connection> quick_connect(const std::string& name, int argc, char** argv) {
    auto program = program_name(argc, argv, name);
    auto options = options_or_exit(name, program, argc, argv);
    try {
        return quick_connect(name, options);
    } catch (const Error& e) {
        fail(program, e.code(), e.lines(), e.hint());
    } catch (const std::exception& e) {
        fail(program, exit_code::internal, {std::string("internal error: ") + e.what()}, {});
    }
}

Service quick_setup(const std::string& name, int argc, char** argv) {
    auto program = program_name(argc, argv, name);
    auto options = options_or_exit(name, program, argc, argv);
    try {
        return quick_setup(name, options);
    } catch (const Error& e) {
        fail(program, e.code(), e.lines(), e.hint());
    } catch (const std::exception& e) {
        fail(program, exit_code::internal, {std::string("internal error: ") + e.what()}, {});
    }
}

SingleActiveService quick_setup_single_active(const std::string& name, int argc, char** argv,
                                              SingleActiveOptions single) {
    auto program = program_name(argc, argv, name);
    auto options = options_or_exit(name, program, argc, argv);
    try {
        return quick_setup_single_active(name, options, std::move(single));
    } catch (const Error& e) {
        fail(program, e.code(), e.lines(), e.hint());
    } catch (const std::exception& e) {
        fail(program, exit_code::internal, {std::string("internal error: ") + e.what()}, {});
    }
}

}  // namespace aegis
