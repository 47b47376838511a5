#pragma once
// Which method `aegis failover` drives. Given one (--method), it is checked against what the
// service announces in $SRV.INFO; given none, the service's exclusive method is taken — the one
// only its leader runs, which is what a failover interrupts — so a service of one's own needs no
// --method. Both wait for an instance to answer INFO first (see choose_failover_method).
#include <optional>
#include <string>

namespace aegis::nats {
class Connection;
}

namespace aegis::scenario {

// The method to drive at `service`, or nullopt while no instance answers $SRV.INFO.
//   `method` set:   it, once INFO lists it; DataError (65) naming the methods when it does not.
//   `method` empty: the only exclusive method; of several, 'echo' when it is one of them; else
//                   DataError listing them (the caller must choose); no exclusive one: DataError.
// `hint` is said when an explicit method is missing and no near name is.
std::optional<std::string> choose_failover_method(nats::Connection& conn,
                                                  const std::string& service,
                                                  const std::string& method,
                                                  const std::string& hint);

// The method when no instance answered INFO at all (an SDK without the Services API): the one
// asked for, else 'echo' (the demos' and the Python examples' exclusive method).
std::string unchecked_failover_method(const std::string& method);

}  // namespace aegis::scenario
