#include "core/scenario/loader.hpp"
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstddef>
#include <fstream>
#include <set>
#include <sstream>

#include "core/scenario/step_schema.hpp"
#include "core/scenario/yaml_documents.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace aegis::scenario {

const char* status_name(Status s) noexcept {
    switch (s) {
        case Status::passed: return "passed";
        case Status::failed: return "failed";
        case Status::skipped: return "skipped";
    }
    return "failed";
}

namespace {

// Values one file may expand to (to_json calls; a step's options count twice: checked, then
// kept). Aliases copy what they name, so a few hundred bytes of `&a [*b, *b, ...]` nest into
// billions of values; a real scenario has hundreds.
constexpr std::size_t k_max_values = 100000;
// How deep values may nest. YAML lets an alias stand inside what it names (`&a [*a]`): a cycle,
// infinitely deep once copied out. Real scenarios nest a handful of levels.
constexpr int k_max_depth = 100;

struct Where {
    const std::string& file;
    mutable std::size_t values = 0;  // made so far by to_json, for k_max_values
    mutable int depth = 0;           // of the to_json call running, for k_max_depth
    [[noreturn]] void fail(const YAML::Node& n, const std::string& what) const {
        auto m = n.Mark();
        throw DataError(fmt::format("{}:{}:{}: {}", file, m.line + 1, m.column + 1, what),
                        "see docs/scenarios.md for the scenario language");
    }
    // A mapping key as text. YAML allows a list or a mapping as a key (`? [a, b]`, `{[a]: 1}`);
    // the scenario language has names there. A null key (`~: 1`) is the name "null".
    std::string key(const YAML::Node& k) const {
        if (!k.IsScalar() && !k.IsNull()) fail(k, "a key must be a name, not a list or a mapping");
        return k.IsNull() ? "null" : k.Scalar();
    }
};

Json scalar_to_json(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    if (n.Tag() == "!") return s;  // quoted: always a string
    if (s == "~" || s == "null" || s.empty()) return nullptr;
    if (s == "true") return true;
    if (s == "false") return false;
    try {
        size_t used = 0;
        long long i = std::stoll(s, &used);
        if (used == s.size()) return i;
        double d = std::stod(s, &used);
        if (used == s.size() && std::isfinite(d)) return d;
    } catch (const std::exception&) {
    }
    return s;
}

Json to_json(const Where& w, const YAML::Node& n) {
    if (++w.values > k_max_values)
        w.fail(n, fmt::format("more than {} values (aliases copy what they name)", k_max_values));
    if (w.depth >= k_max_depth)
        w.fail(n, fmt::format("values nested more than {} deep (an alias inside what it names?)",
                              k_max_depth));
    struct Deeper {
        const Where& w;
        explicit Deeper(const Where& w_) : w(w_) { ++w.depth; }
        ~Deeper() { --w.depth; }
    } deeper(w);
    switch (n.Type()) {
        case YAML::NodeType::Scalar: return scalar_to_json(n);
        case YAML::NodeType::Sequence: {
            Json a = Json::array();
            for (const auto& x : n) a.push_back(to_json(w, x));
            return a;
        }
        case YAML::NodeType::Map: {
            Json o = Json::object();
            for (const auto& kv : n) o[w.key(kv.first)] = to_json(w, kv.second);
            return o;
        }
        default: return nullptr;
    }
}

bool is_var(const Json& v) { return v.is_string() && v.get<std::string>().find("${") != std::string::npos; }

bool type_ok(const Where& w, ArgType t, const YAML::Node& n) {
    Json v = to_json(w, n);
    if (t == ArgType::any) return true;
    if (t == ArgType::mapping) return n.IsMap();
    if (t == ArgType::list) return n.IsSequence();
    if (!n.IsScalar()) return false;
    if (is_var(v)) return true;
    switch (t) {
        case ArgType::string: return true;
        case ArgType::integer: return v.is_number_integer();
        case ArgType::number: return v.is_number();
        case ArgType::boolean: return v.is_boolean();
        case ArgType::duration:
            try {
                parse_duration(v);
                return true;
            } catch (const DataError&) {
                return false;
            }
        default: return true;
    }
}

// "(did you mean 'x'?)" for a near name, else "(what: a, b, c)": an unknown name's explanation.
template <class Names>
std::string suggest(const std::string& word, const Names& known, const char* what) {
    std::vector<std::string> names(std::begin(known), std::end(known));
    std::string near = util::closest(word, names);
    if (!near.empty()) return fmt::format("(did you mean '{}'?)", near);
    return fmt::format("({}: {})", what,
                       names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
}

std::vector<std::string> key_names(const std::vector<ArgSpec>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) out.emplace_back(a.key);
    return out;
}

void check_mapping(const Where& w, const std::string& where, const char* noun,
                   const std::vector<ArgSpec>& args, const YAML::Node& value);

// One key of a closed mapping: known, of its type, and (for a mapping of the language) closed
// in turn.
const ArgSpec& check_key(const Where& w, const std::string& where, const char* noun,
                         const std::vector<ArgSpec>& args, const YAML::Node& k,
                         const YAML::Node& v) {
    const std::string key = w.key(k);
    for (const auto& a : args) {
        if (key != a.key) continue;
        if (!type_ok(w, a.type, v))
            w.fail(v, fmt::format("'{}.{}' must be {}", where, key, arg_type_name(a.type)));
        if (a.keys) check_mapping(w, where + "." + key, "key", *a.keys, v);
        return a;
    }
    w.fail(k, fmt::format("'{}' has no {} '{}' {}", where, noun, key,
                          suggest(key, key_names(args), (std::string(noun) + "s").c_str())));
}

// A mapping of the language (a step's options, call's expect): every key known, the required
// ones there, and no key next to one that must stand alone or without the one it needs.
void check_mapping(const Where& w, const std::string& where, const char* noun,
                   const std::vector<ArgSpec>& args, const YAML::Node& value) {
    std::vector<const ArgSpec*> seen;
    for (const auto& kv : value)
        seen.push_back(&check_key(w, where, noun, args, kv.first, kv.second));
    auto has = [&](const char* key) {
        for (const auto* a : seen)
            if (std::string(a->key) == key) return true;
        return false;
    };
    for (const auto* a : seen) {
        if (a->needs && !has(a->needs))
            w.fail(value, fmt::format("'{}.{}' needs '{}' next to it", where, a->key, a->needs));
        if (a->alone && seen.size() > 1)
            w.fail(value, fmt::format("'{}.{}' takes no other key: the others would never be "
                                      "checked", where, a->key));
    }
    for (const auto& a : args)
        if (a.required && !has(a.key)) w.fail(value, fmt::format("'{}' needs '{}'", where, a.key));
}

// A list kind's items: names it knows (check), unless a variable chooses one when it runs.
void check_items(const Where& w, const KindSpec& spec, const YAML::Node& item) {
    if (spec.items.empty() || is_var(to_json(w, item))) return;
    for (const char* name : spec.items)
        if (item.Scalar() == name) return;
    w.fail(item, fmt::format("'{}' has no item '{}' {}", spec.kind, item.Scalar(),
                             suggest(item.Scalar(), spec.items, "items")));
}

void check_args(const Where& w, const KindSpec& spec, const YAML::Node& value) {
    if (spec.shape == Shape::scalar) {
        if (!value.IsScalar()) w.fail(value, fmt::format("'{}' takes a single value", spec.kind));
        if (!type_ok(w, ArgType::duration, value))
            w.fail(value, fmt::format("'{}' takes a duration (500ms, 2s, 1m or seconds)", spec.kind));
        return;
    }
    if (spec.shape == Shape::list) {
        if (value.IsScalar()) return check_items(w, spec, value);
        if (!value.IsSequence()) w.fail(value, fmt::format("'{}' takes a string or a list of strings", spec.kind));
        for (const auto& x : value) {
            if (!x.IsScalar()) w.fail(x, fmt::format("'{}' takes a list of strings", spec.kind));
            check_items(w, spec, x);
        }
        return;
    }
    if (spec.shape == Shape::optional_mapping && value.IsNull()) return;
    if (!value.IsMap()) w.fail(value, fmt::format("'{}' takes a mapping of options", spec.kind));
    check_mapping(w, spec.kind, "option", spec.args, value);
}

Step load_step(const Where& w, const YAML::Node& n) {
    if (n.IsScalar()) {  // "- stop_server": a kind that needs no options
        const KindSpec* spec = find_kind(n.Scalar());
        if (spec && (spec->shape == Shape::optional_mapping))
            return Step{n.Scalar(), "", nullptr, w.file, n.Mark().line + 1, n.Mark().column + 1};
    }
    if (!n.IsMap()) w.fail(n, "a step is a mapping with one step kind, e.g. '- sleep: 1s'");
    Step step;
    step.file = w.file;
    step.line = n.Mark().line + 1;
    step.column = n.Mark().column + 1;
    const YAML::Node* value = nullptr;
    for (const auto& kv : n) {
        std::string key = w.key(kv.first);
        if (key == "name") {
            if (!kv.second.IsScalar()) w.fail(kv.second, "a step's 'name' must be a string");
            step.name = kv.second.Scalar();
            continue;
        }
        const KindSpec* spec = find_kind(key);
        if (!spec) {
            std::vector<std::string> kinds;
            for (const auto& k : step_kinds()) kinds.emplace_back(k.kind);
            w.fail(kv.first,
                   fmt::format("unknown step kind '{}' {}", key, suggest(key, kinds, "kinds")));
        }
        if (!step.kind.empty())
            w.fail(kv.first, fmt::format("a step has one kind: '{}' and '{}' found", step.kind, key));
        step.kind = key;
        check_args(w, *spec, kv.second);
        value = &kv.second;
        step.args = to_json(w, kv.second);
    }
    if (step.kind.empty()) w.fail(n, "a step needs a kind (spawn, call, kill, wait_for, ...)");
    (void)value;
    return step;
}

std::vector<Step> load_steps(const Where& w, const YAML::Node& n, const char* what) {
    if (!n.IsSequence()) w.fail(n, fmt::format("'{}' must be a list of steps", what));
    std::vector<Step> out;
    for (const auto& s : n) out.push_back(load_step(w, s));
    return out;
}

std::vector<std::string> string_list(const Where& w, const YAML::Node& n, const char* what) {
    std::vector<std::string> out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) w.fail(n, fmt::format("'{}' must be a list of strings", what));
    for (const auto& x : n) {
        if (!x.IsScalar()) w.fail(x, fmt::format("'{}' must be a list of strings", what));
        out.push_back(x.Scalar());
    }
    return out;
}

void check_name(const Where& w, const YAML::Node& n) {
    const std::string& s = n.Scalar();
    bool ok = !s.empty() && s.size() <= 64 && std::isalnum(static_cast<unsigned char>(s[0]));
    for (char c : s) ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                                 std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_');
    if (!ok) w.fail(n, "a scenario name is lower-case letters, digits, '-' and '_' (at most 64)");
}

const char* const k_scenario_keys[] = {"name",  "description", "tags",  "requires", "vars",
                                       "timeout", "setup",     "steps", "cleanup"};

void load_field(const Where& w, Scenario& sc, const YAML::Node& k, const YAML::Node& v) {
    const std::string key = w.key(k);
    if (key == "name") {
        if (!v.IsScalar()) w.fail(v, "'name' must be a string");
        check_name(w, v);
        sc.name = v.Scalar();
    } else if (key == "description") {
        if (!v.IsScalar()) w.fail(v, "'description' must be a string");
        sc.description = v.Scalar();
    } else if (key == "tags") {
        sc.tags = string_list(w, v, "tags");
    } else if (key == "requires") {
        sc.needs = string_list(w, v, "requires");
        for (const auto& r : sc.needs)
            if (r != "local" && r != "kubernetes" && r != "netns")
                w.fail(v, fmt::format("'requires' knows 'local', 'kubernetes' and 'netns', not "
                                      "'{}'", r));
    } else if (key == "vars") {
        if (!v.IsMap()) w.fail(v, "'vars' must be a mapping of names to values");
        sc.vars = to_json(w, v);
    } else if (key == "timeout") {
        if (!type_ok(w, ArgType::duration, v)) w.fail(v, "'timeout' must be a duration");
        sc.timeout = parse_duration(to_json(w, v));
    } else if (key == "setup" || key == "steps" || key == "cleanup") {
        auto steps = load_steps(w, v, key.c_str());
        (key == "setup" ? sc.setup : key == "steps" ? sc.steps : sc.cleanup) = std::move(steps);
    } else {
        w.fail(k, fmt::format("unknown key '{}' {}", key, suggest(key, k_scenario_keys, "keys")));
    }
}

Scenario load_one(const Where& w, const YAML::Node& doc) {
    if (!doc.IsMap()) w.fail(doc, "a scenario is a mapping with 'name' and 'steps'");
    Scenario sc;
    sc.file = w.file;
    for (const auto& kv : doc) load_field(w, sc, kv.first, kv.second);
    if (sc.name.empty()) w.fail(doc, "a scenario needs a 'name'");
    if (sc.steps.empty()) w.fail(doc, "a scenario needs 'steps' (at least one)");
    return sc;
}

}  // namespace

std::chrono::milliseconds parse_duration(const Json& v) {
    using std::chrono::milliseconds;
    if (v.is_number()) {
        double s = v.get<double>();
        if (!(s >= 0 && s <= 86400)) throw DataError("a duration must be between 0 and 86400 s");
        return milliseconds(static_cast<long long>(std::llround(s * 1000)));
    }
    if (!v.is_string()) throw DataError("a duration is 500ms, 2s, 1m or a number of seconds");
    try {
        return util::parse_seconds(v.get<std::string>(), "a duration", {0.001, 86400, true});
    } catch (const UsageError& e) {
        throw DataError(e.what());
    }
}

std::vector<Scenario> load_scenarios(const std::string& text, const std::string& file) {
    Where w{file};
    const std::vector<YAML::Node> docs = load_yaml_documents(text, file);
    std::vector<Scenario> out;
    std::set<std::string> names;
    for (const auto& d : docs) {
        if (d.IsNull()) continue;
        out.push_back(load_one(w, d));
        if (!names.insert(out.back().name).second)
            w.fail(d, fmt::format("a second scenario named '{}'", out.back().name));
    }
    if (out.empty()) throw DataError(file + ":1:1: no scenario in this file");
    return out;
}

std::vector<Scenario> load_scenario_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw NoInputError("cannot read scenario file '" + path + "'");
    std::stringstream ss;
    ss << in.rdbuf();
    return load_scenarios(ss.str(), path);
}

}  // namespace aegis::scenario
