#pragma once
// What each step kind accepts: its shape and, for mappings, its keys and their types. The loader
// checks a file against it (so a typo is reported with its line and column before anything runs)
// and docs/scenarios.md documents the same table. Every mapping of the language is closed: a key
// it does not list is an error, however deep it stands; only mappings of user data (`params`,
// `payload`, `vars`, the values under `expect.result`) are open.
#include <string>
#include <vector>

namespace aegis::scenario {

enum class ArgType { string, integer, number, boolean, duration, mapping, list, any };
const char* arg_type_name(ArgType t) noexcept;

struct ArgSpec {
    const char* key;
    ArgType type;
    bool required = false;
    // A mapping of the language itself (call's `expect`): the keys it takes, closed as a step's
    // options are. Null for a mapping of user data, whose keys are the user's.
    const std::vector<ArgSpec>* keys = nullptr;
    // Another key of the same mapping this one is meaningless without (fairness: spread_over).
    const char* needs = nullptr;
    // No other key may stand next to it: the others would never be checked (expect.error).
    bool alone = false;
};

enum class Shape { mapping, scalar, list, optional_mapping };

struct KindSpec {
    const char* kind;
    Shape shape;
    std::vector<ArgSpec> args;        // for mappings
    std::vector<const char*> items;  // for lists: the names an item may be (empty: any text)
};

const std::vector<KindSpec>& step_kinds();
const KindSpec* find_kind(const std::string& kind);

}  // namespace aegis::scenario
