#pragma once
// The two refusals a service answers instead of running a request. They travel as an ordinary
// failed RPC envelope (success false, error "<CODE>: <text>", as NOT_ACTIVE does), so a Python
// client reads them as a failed call; aegis clients recognise the code at the start of the text
// and retry elsewhere or later: neither request has run.
#include <string_view>

namespace aegis::wire {

// The method's queue is full (or the instance is past its limits): answered at once.
inline constexpr std::string_view k_overloaded = "OVERLOADED";
// The instance is stopping: it takes no new work and answers what it had queued with this.
inline constexpr std::string_view k_shutting_down = "SHUTTING_DOWN";
// The Nats-Service-Error-Code header of both (ADR-32 clients read it).
inline constexpr const char* k_refusal_status = "503";

inline bool is_overloaded(std::string_view error) { return error.rfind(k_overloaded, 0) == 0; }
inline bool is_shutting_down(std::string_view error) {
    return error.rfind(k_shutting_down, 0) == 0;
}

}  // namespace aegis::wire
