#pragma once
// The one place where a nats.c status becomes an aegis::Error.
#include <string_view>

namespace aegis::nats {

// Throws the aegis::Error subclass for status `s` (an int to keep nats.h out of this header).
// `what` names the operation ("request 'rpc.echo.echo'"); nats.c's last error text is appended.
[[noreturn]] void throw_status(int s, std::string_view what);

// Throws when s != NATS_OK.
inline void check(int s, std::string_view what) {
    if (s != 0) throw_status(s, what);
}

}  // namespace aegis::nats
