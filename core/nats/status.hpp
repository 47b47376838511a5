#pragma once
// The one place where a nats.c status becomes an aegis::Error.
#include <string_view>

namespace aegis::nats {

// Throws the aegis::Error subclass for status `s` (an int to keep nats.h out of this header).
// `what` names the operation ("request 'rpc.echo.echo'"); nats.c's last error text is appended.
[[noreturn]] void throw_status(int s, std::string_view what);

// A JetStream API call that got no proper answer. Tells a server without JetStream (nobody
// answers the API: no responders, or the API error code "not enabled") — UnavailableError, hint
// -js — from a JetStream that is there but does not answer in time (requests time out, or the
// cluster code "temporarily unavailable": overloaded, no meta leader) — TimeoutError. Decided
// on status and error codes only, never on server text. Returns for anything else.
void check_jetstream_reached(int s, int js_err_code, std::string_view what);

// Throws when s != NATS_OK.
inline void check(int s, std::string_view what) {
    if (s != 0) throw_status(s, what);
}

}  // namespace aegis::nats
