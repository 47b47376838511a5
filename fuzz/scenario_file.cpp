// libFuzzer target: the scenario loader (load_scenarios, what `aegis test -f` and the built-in
// scenarios go through). Bad input must be a DataError (exit 65), never a crash or another kind
// of error. What it accepts must follow the scenario language (docs/scenarios.md) and load again,
// unchanged, from its JSON form (JSON is YAML): the model holds everything the text said.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "core/scenario/loader.hpp"
#include "core/scenario/step_schema.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;
using namespace aegis::scenario;

namespace {

const std::string k_file = "fuzz.yaml";

bool valid_name(const std::string& s) {
    if (s.empty() || s.size() > 64 || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
              c == '-' || c == '_'))
            return false;
    return true;
}

// A mapping of the language holds only the keys its schema lists (however deep), its required
// ones, none without the key it needs and none next to one that must stand alone.
void check_mapping(const Json& m, const std::vector<ArgSpec>& args) {
    fuzz::require(m.is_object(), "a mapping of the language holds no mapping");
    for (const auto& [key, value] : m.items()) {
        const ArgSpec* a = nullptr;
        for (const auto& x : args)
            if (key == x.key) a = &x;
        fuzz::require(a != nullptr, "a key outside the schema was accepted");
        if (a->keys) check_mapping(value, *a->keys);
        fuzz::require(!a->needs || m.contains(a->needs), "a key without the one it needs");
        fuzz::require(!a->alone || m.size() == 1, "a key that stands alone has company");
    }
    for (const auto& a : args)
        fuzz::require(!a.required || m.contains(a.key), "a required option is missing");
}

bool known_item(const KindSpec& spec, const Json& item) {
    if (spec.items.empty()) return true;
    if (item.is_string() && item.get<std::string>().find("${") != std::string::npos) return true;
    for (const char* name : spec.items)
        if (item == name) return true;
    return false;
}

// A step's arguments have the shape its kind declares, with its required keys.
void check_step(const Step& s) {
    const KindSpec* spec = find_kind(s.kind);
    fuzz::require(spec != nullptr, "a step of an unknown kind was accepted");
    fuzz::require(s.file == k_file && s.line >= 1 && s.column >= 1, "a step without its position");
    switch (spec->shape) {
        case Shape::scalar:
            fuzz::require(!s.args.is_object() && !s.args.is_array(), "a scalar step holds a structure");
            break;
        case Shape::list:
            fuzz::require(!s.args.is_object(), "a list step holds a mapping");
            for (const auto& x : s.args.is_array() ? s.args : Json::array({s.args})) {
                fuzz::require(!x.is_object() && !x.is_array(), "a list step holds a structure");
                fuzz::require(known_item(*spec, x), "a list item outside the kind's names");
            }
            break;
        case Shape::optional_mapping:
            fuzz::require(s.args.is_null() || s.args.is_object(), "an optional mapping is neither");
            if (s.args.is_object()) check_mapping(s.args, spec->args);
            break;
        case Shape::mapping:
            check_mapping(s.args, spec->args);
            break;
    }
}

void check_scenario(const Scenario& sc) {
    fuzz::require(valid_name(sc.name), "an invalid scenario name was accepted");
    fuzz::require(sc.file == k_file, "a scenario without its file");
    fuzz::require(!sc.steps.empty(), "a scenario without steps was accepted");
    for (const auto& r : sc.needs)
        fuzz::require(r == "local" || r == "kubernetes", "an unknown 'requires' was accepted");
    fuzz::require(sc.vars.is_object(), "'vars' is not a mapping");
    fuzz::require(sc.timeout.count() >= 0 && sc.timeout.count() <= 86400000, "timeout out of range");
    for (const auto* phase : {&sc.setup, &sc.steps, &sc.cleanup})
        for (const auto& s : *phase) check_step(s);
}

Json steps_json(const std::vector<Step>& steps) {
    Json a = Json::array();
    for (const auto& s : steps) {
        Json o = Json::object();
        if (!s.name.empty()) o["name"] = s.name;
        o[s.kind] = s.args;
        a.push_back(std::move(o));
    }
    return a;
}

// The scenario written back in the language, as JSON.
Json scenario_json(const Scenario& sc) {
    Json o = {{"name", sc.name},   {"description", sc.description}, {"tags", sc.tags},
              {"requires", sc.needs}, {"vars", sc.vars},
              {"timeout", std::to_string(sc.timeout.count()) + "ms"}};
    o["setup"] = steps_json(sc.setup);
    o["steps"] = steps_json(sc.steps);
    o["cleanup"] = steps_json(sc.cleanup);
    return o;
}

bool same_steps(const std::vector<Step>& a, const std::vector<Step>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].kind != b[i].kind || a[i].name != b[i].name || a[i].args != b[i].args) return false;
    return true;
}

bool same(const Scenario& a, const Scenario& b) {
    return a.name == b.name && a.description == b.description && a.tags == b.tags &&
           a.needs == b.needs && a.vars == b.vars && a.timeout == b.timeout &&
           same_steps(a.setup, b.setup) && same_steps(a.steps, b.steps) &&
           same_steps(a.cleanup, b.cleanup);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<Scenario> loaded;
    try {
        loaded = load_scenarios(text, k_file);
    } catch (const DataError&) {
        return 0;
    }
    fuzz::require(!loaded.empty(), "no scenario and no error");
    std::set<std::string> names;
    std::string again;
    for (const auto& sc : loaded) {
        check_scenario(sc);
        fuzz::require(names.insert(sc.name).second, "two scenarios of the same name were accepted");
        // Strings that are not UTF-8 cannot be written as JSON: those skip the second load.
        try {
            again += "---\n" + scenario_json(sc).dump() + "\n";
        } catch (const Json::type_error&) {
            return 0;
        }
    }
    std::vector<Scenario> reloaded;
    try {
        reloaded = load_scenarios(again, k_file);
    } catch (const DataError& e) {
        std::fprintf(stderr, "%s\n%s\n", again.c_str(), e.what());
        fuzz::require(false, "an accepted scenario does not load again from its JSON form");
    }
    fuzz::require(reloaded.size() == loaded.size(), "the JSON form holds another number of scenarios");
    for (size_t i = 0; i < loaded.size(); ++i)
        fuzz::require(same(loaded[i], reloaded[i]), "a scenario changes through its JSON form");
    return 0;
}
