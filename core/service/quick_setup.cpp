#include "core/service/quick_setup.hpp"

#include <cstring>

#include "core/config/connect.hpp"
#include "core/nats/connection.hpp"
#include "core/util/log.hpp"

namespace aegis {

QuickOptions quick_options_from_args(int argc, char** argv) {
    QuickOptions o;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--server") == 0 || std::strcmp(argv[i], "-s") == 0)
            o.server = argv[i + 1];
        else if (std::strcmp(argv[i], "--config") == 0)
            o.config_file = argv[i + 1];
        else if (std::strcmp(argv[i], "--context") == 0)
            o.context = argv[i + 1];
        else if (std::strcmp(argv[i], "--instance-id") == 0)
            o.instance_id = argv[i + 1];
    }
    return o;
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
    config::LoadOptions lo;
    lo.server = options.server;
    lo.config_file = options.config_file;
    lo.context = options.context;
    auto cfg = config::load_config(lo);
    if (cfg.debug && log::level() > log::Level::debug) log::set_level(log::Level::debug);
    ServiceOptions so;
    so.name = name;
    so.instance_id = options.instance_id;
    so.version = options.version;
    so.description = options.description;
    so.heartbeat_interval = cfg.heartbeat_interval;
    // The port-forward, when one was needed, is owned by the connection the Service holds.
    auto conn = config::connect(cfg, "aegis/" + name);
    return Service(std::move(conn), std::move(so));
}

}  // namespace aegis
