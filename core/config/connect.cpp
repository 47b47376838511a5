#include "core/config/connect.hpp"
#include <memory>
#include <string>

#include "core/k8s/port_forward.hpp"
#include "core/nats/auth.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/util/text.hpp"

namespace aegis::config {


nats::ConnectOptions connect_options(const SdkConfig& c, const std::string& url,
                                     const std::string& name) {
    nats::ConnectOptions o;
    o.servers = util::split(url, ',');
    o.name = name;
    o.auth = c.auth;
    o.kv_replicas = c.kv_replicas;
    o.adaptive_writes = true;  // written at once when idle, together when busy (write_batch.hpp)
    o.on_disconnected = [name] { log::warn("{}: disconnected from NATS, reconnecting", name); };
    o.on_reconnected = [name] { log::info("{}: reconnected to NATS", name); };
    return o;
}

std::shared_ptr<nats::Connection> connect_resolved(const SdkConfig& c, const Resolution& r,
                                                   const std::string& name) {
    std::shared_ptr<nats::Connection> conn;
    try {
        conn = nats::Connection::connect(connect_options(c, r.url, name));
    } catch (const AuthError& e) {
        throw AuthError(std::string(e.what()) + " (auth: " + nats::auth_method(c.auth) + ")",
                        "check the credentials; 'aegis config show' tells where they come from");
    } catch (const UnavailableError& e) {
        throw UnavailableError(std::string(e.what()) + " (URL from " + r.source + ")", e.hint());
    }
    if (r.port_forward) conn->keep_alive(r.port_forward);
    log::debug("{}: connected to {} via {}", name, nats::redact_url(r.url), r.source);
    return conn;
}

std::shared_ptr<nats::Connection> connect(const SdkConfig& c, const std::string& name,
                                          Resolution* out) {
    Resolution r = resolve_nats_url(c);
    if (out) *out = r;
    if (!r.found()) throw_unresolved(r);
    return connect_resolved(c, r, name);
}

}  // namespace aegis::config
