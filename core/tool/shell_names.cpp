#include "core/tool/shell_names.hpp"
#include <chrono>
#include <vector>
#include <string>

#include <algorithm>
#include <functional>
#include <memory>

#include "core/tool/repl.hpp"
#include "core/config/connect.hpp"
#include "core/config/nats_url.hpp"
#include "core/nats/connection.hpp"

namespace aegis::tool {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds left_until(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return std::max(left, milliseconds(1));
}

// Resolves the URL without kubectl, connects once (no reconnects, no log lines) and asks.
using Ask = std::function<std::vector<std::string>(NameSource&)>;

std::vector<std::string> ask_names(const config::SdkConfig& config, milliseconds budget,
                                   const Ask& ask) {
    auto deadline = Clock::now() + budget;
    try {
        config::ResolveOptions ro;
        ro.dry_run = true;
        ro.kubernetes = false;
        ro.probe_timeout = std::min(budget / 3, left_until(deadline));
        auto r = config::resolve_nats_url(config, ro);
        if (!r.found() || Clock::now() >= deadline) return {};
        auto o = config::connect_options(config, r.url, "aegis completion");
        o.connect_timeout = left_until(deadline);
        o.jetstream_timeout = left_until(deadline);
        o.max_reconnect = 0;
        o.on_disconnected = nullptr;
        o.on_reconnected = nullptr;
        auto conn = nats::Connection::connect(o);
        NameSource names(conn, left_until(deadline));
        return ask(names);
    } catch (const std::exception&) {
        return {};  // completion is a convenience: nothing to offer
    }
}

}  // namespace

std::vector<std::string> shell_service_names(const config::SdkConfig& config, bool single_active,
                                             milliseconds budget) {
    return ask_names(config, budget,
                     [single_active](NameSource& n) { return n.services(single_active); });
}

std::vector<std::string> shell_method_names(const config::SdkConfig& config,
                                            const std::string& service, milliseconds budget) {
    if (service.empty()) return {};
    return ask_names(config, budget, [&service](NameSource& n) { return n.methods(service); });
}

}  // namespace aegis::tool
