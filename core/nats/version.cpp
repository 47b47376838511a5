#include "core/nats/version.hpp"
#include <string>

#include <nats/nats.h>

namespace aegis::nats {
std::string library_version() { return nats_GetVersion(); }
}  // namespace aegis::nats
