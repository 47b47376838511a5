#pragma once
// Declared parameters: a handler names the parameters it accepts, and a call that passes any
// other name is refused with one line that lists the accepted ones. An optional parameter with a
// typo in its name ("custmer_id") would otherwise be silently read as absent.
//
//   svc.rpc("create_order", aegis::accepts({"order_id", "customer_id", "total_amount", "items"},
//                                          [](const aegis::Json& p) { ... }));
#include <string>
#include <string_view>
#include <vector>

#include "core/service/command_types.hpp"
#include "core/service/service.hpp"
#include "core/wire/json.hpp"

namespace aegis {

// DataError unless `params` is null (no parameters) or an object whose every key is in
// `accepted`, e.g. "unknown parameter 'custmer_id' (did you mean 'customer_id'?); accepted:
// order_id, customer_id, total_amount, items".
void check_params(const Json& params, const std::vector<std::string>& accepted);

// True for the error text of a call refused for its parameters by check_params, param or
// required_param ("unknown parameter ...", "missing parameter ...", "parameter 'x' must be ..."):
// the caller's input was bad, not the service (`aegis call` exits 65 for these).
bool is_bad_params_error(std::string_view error);

// `handler`, run only after check_params(params, accepted) passed.
RpcHandler accepts(std::vector<std::string> accepted, RpcHandler handler);
RpcHandlerEx accepts(std::vector<std::string> accepted, RpcHandlerEx handler);
// The same for a command handler: checks the command's parameters.
CommandHandler accepts_command(std::vector<std::string> accepted, CommandHandler handler);

}  // namespace aegis
