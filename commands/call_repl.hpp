#pragma once
// The interactive side of `aegis call` (-i, or no arguments on a terminal).
#include <chrono>
#include <string>

#include "core/client/client.hpp"
#include "core/wire/json.hpp"

namespace aegis::cmd {

class Context;

struct ReplStart {
    std::chrono::milliseconds timeout{5000};
    std::string format = "msgpack";
};

// The REPL: a line editor on a terminal, plain lines from a script otherwise. Returns 0, or 1
// when a scripted session had a failing command.
int run_call_repl(Context& ctx, const ReplStart& start);

// A reply as `aegis call --json` prints it: the envelope plus rtt_ms, instance and format.
Json envelope_json(const CallResult& r);

}  // namespace aegis::cmd
