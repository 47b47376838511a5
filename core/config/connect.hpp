#pragma once
// Config → NATS connection: resolve the URL ("auto" included), connect with the configured
// auth and TLS, and hand the port-forward (if one was started) to the connection, which keeps
// it alive exactly as long as it is needed.
#include <memory>
#include <string>

#include "core/config/nats_url.hpp"
#include "core/config/sdk_config.hpp"

namespace aegis::nats {
class Connection;
struct ConnectOptions;
}  // namespace aegis::nats

namespace aegis::config {

// Throws the resolution's UnavailableError (every attempt listed) or the connect error (with
// where the URL came from). `resolution` receives the attempts when given.
std::shared_ptr<nats::Connection> connect(const SdkConfig& config, const std::string& name,
                                          Resolution* resolution = nullptr);
// Connects to an already resolved URL (the port-forward in `r`, if any, is kept alive).
std::shared_ptr<nats::Connection> connect_resolved(const SdkConfig& config, const Resolution& r,
                                                   const std::string& name);
nats::ConnectOptions connect_options(const SdkConfig& config, const std::string& url,
                                     const std::string& name);

}  // namespace aegis::config
