#pragma once
// Example services run with `aegis demo <name>`. Each demo is a small program written against
// the public SDK, exactly as a service author would write it.
#include <unistd.h>
#include <chrono>
#include <string>

#include <vector>

#include "commands/context.hpp"
#include "commands/options.hpp"

namespace aegis::cmd::demos {

struct DemoSpec {
    const char* name;
    const char* summary;
    void (*setup)(CLI::App& demo_app, Context& ctx);
    // Shown under "Examples:" after `aegis demo NAME` (one command line per line).
    const char* examples = "";
};

// The default --instance number: this process's id, so instances started side by side
// (`aegis demo echo & aegis demo echo &`) log distinct numbers — and the PID to signal.
inline int default_instance_number() { return static_cast<int>(::getpid()); }

// --heartbeat S, the registry heartbeat interval of a demo service (default 10 s). Sub-second
// values (down to 0.1) are for quick experiments: watchers see a killed instance go stale sooner.
inline CLI::Option* add_heartbeat_option(CLI::App* app, std::chrono::milliseconds& target) {
    return add_seconds_option(app, "--heartbeat", target,
                              "registry heartbeat interval in seconds (0.1-300)", {0.1, 300});
}

// The demo table (commands/demos/demo_table.cpp).
const std::vector<DemoSpec>& demo_table();

// Connects with the global --server and builds a Service (used by every demo).
struct DemoBase {
    std::string instance_id;
    int instance_number = 1;
};

}  // namespace aegis::cmd::demos
