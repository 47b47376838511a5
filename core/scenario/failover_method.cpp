#include "core/scenario/failover_method.hpp"
#include <optional>
#include <string>
#include <vector>

#include <algorithm>

#include "core/client/presence.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

}  // namespace

std::optional<std::string> choose_failover_method(nats::Connection& conn,
                                                  const std::string& service,
                                                  const std::string& method,
                                                  const std::string& hint) {
    if (!method.empty()) {
        if (!client::require_announced_method(conn, service, method, hint)) return std::nullopt;
        return method;
    }
    auto a = client::announced_methods(conn, service);
    if (a.all.empty()) return std::nullopt;
    if (a.exclusive.size() == 1) return a.exclusive.front();
    if (std::find(a.exclusive.begin(), a.exclusive.end(), "echo") != a.exclusive.end())
        return std::string("echo");
    if (a.exclusive.empty())
        throw DataError("'" + service + "' has no exclusive method (methods: " + joined(a.all) +
                            ")",
                        "failover measures a single-active service's exclusive methods; choose "
                        "one with --method");
    throw DataError("'" + service + "' has several exclusive methods (" + joined(a.exclusive) +
                        ")",
                    "choose the one to drive with --method, and its params with -d");
}

std::string unchecked_failover_method(const std::string& method) {
    return method.empty() ? "echo" : method;
}

}  // namespace aegis::scenario
