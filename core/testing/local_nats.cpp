// aegis::testing::LocalNats: the nats-server `aegis test --local` runs, behind the public header.
#include <memory>
#include <string>

#include "core/include/aegis/testing.hpp"
#include "core/scenario/local_nats.hpp"
#include "core/testing/access.hpp"
#include "core/util/process.hpp"

namespace aegis::testing {

LocalNats::LocalNats() : m(std::make_unique<Impl>()) {}
LocalNats::~LocalNats() = default;

bool LocalNats::available() { return !util::find_in_path("nats-server").empty(); }

const std::string& LocalNats::url() const { return m->server.url(); }
void LocalNats::stop() { m->server.stop(); }
void LocalNats::restart() { m->server.restart(); }

scenario::LocalNats& Access::server(LocalNats& n) { return n.m->server; }

}  // namespace aegis::testing
