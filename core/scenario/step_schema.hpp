#pragma once
// What each step kind accepts: its shape and, for mappings, its keys and their types. The loader
// checks a file against it (so a typo is reported with its line and column before anything runs)
// and docs/scenarios.md documents the same table.
#include <string>
#include <vector>

namespace aegis::scenario {

enum class ArgType { string, integer, number, boolean, duration, mapping, list, any };
const char* arg_type_name(ArgType t) noexcept;

struct ArgSpec {
    const char* key;
    ArgType type;
    bool required = false;
};

enum class Shape { mapping, scalar, list, optional_mapping };

struct KindSpec {
    const char* kind;
    Shape shape;
    std::vector<ArgSpec> args;  // for mappings
};

const std::vector<KindSpec>& step_kinds();
const KindSpec* find_kind(const std::string& kind);

}  // namespace aegis::scenario
