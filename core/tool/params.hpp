#pragma once
// Call parameters from the command line: one JSON object argument, or key=value pairs
// (numbers, booleans and null inferred; key:=<json> for raw JSON; a.b=1 nests), or a file / stdin.
#include <istream>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::tool {

// Infers the JSON type of a key=value value: 42 → number, 1.5 → number, true/false → bool,
// null → null, anything else → string. Quote to force a string: name='"42"' or name:='"42"'.
Json infer_value(const std::string& text);

// Builds params from positional arguments. Throws UsageError for a malformed pair and
// DataError for invalid JSON, naming the argument.
Json params_from_args(const std::vector<std::string>& args);

// For a call that failed with `error`: when the error names a key=value argument whose value was
// inferred as a number, boolean or null, how to send it as text instead; else "".
std::string inferred_type_hint(const std::vector<std::string>& args, const std::string& error);

// "-d" data: "@path" reads a file (NoInputError when missing), "-" reads `in`, else JSON text.
Json params_from_data(const std::string& data, std::istream& in);

}  // namespace aegis::tool
