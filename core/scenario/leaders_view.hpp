#pragma once
// Who holds a single-active service's lease right now (its election bucket), for the steps.
#include <memory>
#include <optional>
#include <string>

namespace aegis::nats {
class Connection;
}

namespace aegis::scenario {

// nullopt when the bucket or the key is missing (no leader).
std::optional<std::string> lease_holder(const std::shared_ptr<nats::Connection>& conn,
                                        const std::string& service,
                                        const std::string& group = "default");

}  // namespace aegis::scenario
