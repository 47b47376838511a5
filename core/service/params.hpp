#pragma once
// A handler's parameters by name. A value of the wrong type throws DataError naming the parameter
// and what was expected ("parameter 'message' must be a string, not the number 1"), which the
// caller receives as the call's error, instead of the JSON library's "[json.exception...]" text.
#include <string>
#include <type_traits>

#include "core/util/error.hpp"
#include "core/wire/json.hpp"

namespace aegis {

namespace detail {

template <class T>
constexpr const char* json_kind() {
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    else if constexpr (std::is_arithmetic_v<T>) return "a number";
    else if constexpr (std::is_convertible_v<T, std::string>) return "a string";
    else return "an object or array";
}

inline std::string describe_json(const Json& v) {
    std::string text = v.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (text.size() > 40) text = text.substr(0, 37) + "...";
    if (v.is_number()) return "the number " + text;
    if (v.is_boolean()) return text;
    if (v.is_null()) return "null";
    if (v.is_string()) return "the string " + text;
    return (v.is_array() ? "the array " : "the object ") + text;
}

template <class T>
bool fits(const Json& v) {
    if constexpr (std::is_same_v<T, bool>) return v.is_boolean();
    else if constexpr (std::is_arithmetic_v<T>) return v.is_number();
    else if constexpr (std::is_convertible_v<T, std::string>) return v.is_string();
    else return true;  // let the JSON library convert structured values
}

}  // namespace detail

// params[name] as T, or `fallback` when it is absent or null.
template <class T>
T param(const Json& params, const std::string& name, T fallback) {
    if (!params.is_object()) return fallback;
    auto it = params.find(name);
    if (it == params.end() || it->is_null()) return fallback;
    if (!detail::fits<T>(*it))
        throw DataError("parameter '" + name + "' must be " + detail::json_kind<T>() + ", not " +
                        detail::describe_json(*it));
    return it->template get<T>();
}

// params[name] as T; DataError when it is missing.
template <class T>
T required_param(const Json& params, const std::string& name) {
    if (!params.is_object() || !params.contains(name) || params[name].is_null())
        throw DataError("missing parameter '" + name + "' (" + detail::json_kind<T>() + ")");
    return param<T>(params, name, T{});
}

}  // namespace aegis
