#pragma once
// The JSON value type used across aegis. ordered_json keeps insertion order, so envelopes and
// results keep the field order they arrived in (Python's msgpack maps are ordered).
#include <nlohmann/json.hpp>

namespace aegis {
using Json = nlohmann::ordered_json;
}
