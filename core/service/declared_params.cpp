// Declared parameters (declared_params.hpp): the check, and the wrappers around a handler.
#include "core/service/declared_params.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include "core/util/error.hpp"
#include "core/service/params.hpp"
#include "core/util/text.hpp"

namespace aegis {

namespace {

std::string accepted_list(const std::vector<std::string>& accepted) {
    if (accepted.empty()) return "none (this method takes no parameters)";
    std::string out;
    for (const auto& name : accepted) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// 'custmer_id' (did you mean 'customer_id'?)
std::string describe_unknown(const std::string& name, const std::vector<std::string>& accepted) {
    // The name came from the caller: quoted as JSON would quote it, cut short when long, so a
    // control character or a page of text never lands raw in the one-line error.
    std::string shown = name.size() > 40 ? name.substr(0, 37) + "..." : name;
    shown = Json(shown).dump(-1, ' ', true, Json::error_handler_t::replace);
    shown = "'" + shown.substr(1, shown.size() - 2) + "'";
    std::string near = util::closest(name, accepted);
    return near.empty() ? shown : shown + " (did you mean '" + near + "'?)";
}

}  // namespace

void check_params(const Json& params, const std::vector<std::string>& accepted) {
    if (params.is_null()) return;
    if (!params.is_object())
        throw DataError("parameters must be a JSON object, not " + detail::describe_json(params) +
                        "; accepted: " + accepted_list(accepted));
    std::vector<std::string> unknown;
    for (const auto& [name, value] : params.items())
        if (std::find(accepted.begin(), accepted.end(), name) == accepted.end())
            unknown.push_back(describe_unknown(name, accepted));
    if (unknown.empty()) return;
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    const char* what = unknown.size() == 1 ? "unknown parameter " : "unknown parameters ";
    throw DataError(what + list + "; accepted: " + accepted_list(accepted));
}

bool is_bad_params_error(std::string_view error) {
    for (std::string_view start : {"unknown parameter '", "unknown parameters '",
                                   "missing parameter '", "parameter '",
                                   "parameters must be a JSON object"})
        if (error.substr(0, start.size()) == start) return true;
    return false;
}

RpcHandler accepts(std::vector<std::string> accepted, RpcHandler handler) {
    return [accepted = std::move(accepted), handler = std::move(handler)](const Json& params) {
        check_params(params, accepted);
        return handler(params);
    };
}

RpcHandlerEx accepts(std::vector<std::string> accepted, RpcHandlerEx handler) {
    return [accepted = std::move(accepted), handler = std::move(handler)](
               const Json& params, const RpcContext& ctx) {
        check_params(params, accepted);
        return handler(params, ctx);
    };
}

CommandHandler accepts_command(std::vector<std::string> accepted, CommandHandler handler) {
    return [accepted = std::move(accepted), handler = std::move(handler)](
               const wire::Command& command, const CommandContext& ctx) {
        check_params(command.payload, accepted);
        return handler(command, ctx);
    };
}

}  // namespace aegis
