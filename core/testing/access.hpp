#pragma once
// The inside of aegis::testing::LocalNats: the scenario runner's own local server.
#include "core/include/aegis/testing.hpp"
#include "core/scenario/local_nats.hpp"

namespace aegis::testing {

struct LocalNats::Impl {
    scenario::LocalNats server;
};

class Access {
public:
    static scenario::LocalNats& server(LocalNats& n);
};

}  // namespace aegis::testing
