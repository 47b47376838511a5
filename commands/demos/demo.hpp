#pragma once
// Example services run with `aegis demo <name>`. Each demo is a small program written against
// the public SDK, exactly as a service author would write it.
#include <unistd.h>
#include <string>

#include <vector>

#include "commands/context.hpp"

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

// The demo table (commands/demos/demo_table.cpp).
const std::vector<DemoSpec>& demo_table();

// Connects with the global --server and builds a Service (used by every demo).
struct DemoBase {
    std::string instance_id;
    int instance_number = 1;
};

}  // namespace aegis::cmd::demos
