#include "core/tool/params.hpp"
#include <vector>
#include <string>

#include <charconv>
#include <sstream>

#include "core/util/error.hpp"
#include "core/util/paths.hpp"
#include "core/wire/codec.hpp"

namespace aegis::tool {

namespace {

bool is_integer(const std::string& s) {
    if (s.empty()) return false;
    size_t i = (s[0] == '-') ? 1 : 0;
    if (i == s.size()) return false;
    if (s[i] == '0' && s.size() > i + 1) return false;  // 007 stays a string (ids, zip codes)
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

bool is_decimal(const std::string& s) {
    if (s.empty() || s.find_first_of("eE") != std::string::npos) return false;
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && s.find('.') != std::string::npos
           && s.back() != '.' && s.front() != '.';
}

Json parse_json_arg(const std::string& text, const std::string& what) {
    try {
        return wire::from_json(text);
    } catch (const DataError& e) {
        throw DataError(what + " is not valid JSON: " + e.what());
    }
}

void set_path(Json& root, const std::string& key, Json value, const std::string& arg) {
    Json* node = &root;
    size_t start = 0;
    for (;;) {
        size_t dot = key.find('.', start);
        std::string part = key.substr(start, dot == std::string::npos ? std::string::npos
                                                                      : dot - start);
        if (part.empty()) throw UsageError("empty key in '" + arg + "'");
        if (dot == std::string::npos) {
            (*node)[part] = std::move(value);
            return;
        }
        Json& next = (*node)[part];
        if (next.is_null()) next = Json::object();
        if (!next.is_object()) throw UsageError("'" + part + "' is not an object in '" + arg + "'");
        node = &next;
        start = dot + 1;
    }
}

}  // namespace

Json infer_value(const std::string& text) {
    // "42" in quotes (name='"42"' on a shell line) is the string 42.
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        try {
            Json s = Json::parse(text);
            if (s.is_string()) return s;
        } catch (const Json::exception&) {
        }
    }
    if (text == "true") return true;
    if (text == "false") return false;
    if (text == "null") return nullptr;
    if (is_integer(text)) {
        try {
            return std::stoll(text);
        } catch (const std::out_of_range&) {
            return text;  // too large for 64 bits: keep the digits
        }
    }
    if (is_decimal(text)) return std::stod(text);
    return text;
}

Json params_from_args(const std::vector<std::string>& args) {
    if (args.empty()) return Json::object();
    if (args.size() == 1 && !args[0].empty() && (args[0][0] == '{' || args[0][0] == '[')) {
        Json v = parse_json_arg(args[0], "params");
        if (!v.is_object()) throw DataError("params must be a JSON object, not " +
                                            std::string(v.type_name()));
        return v;
    }
    Json out = Json::object();
    for (const auto& a : args) {
        size_t eq = a.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("expected key=value, key:=json or one JSON object, got '" + a + "'");
        bool raw = a[eq - 1] == ':';
        std::string key = a.substr(0, raw ? eq - 1 : eq);
        std::string value = a.substr(eq + 1);
        set_path(out, key, raw ? parse_json_arg(value, "'" + key + "'") : infer_value(value), a);
    }
    return out;
}

namespace {

// What a bad-params error says the handler found (the JSON library's "type must be string, but
// is number"): "number", "boolean", "null", ...; "" when it does not say.
std::string found_kind(const std::string& error) {
    auto at = error.find("but is ");
    if (at == std::string::npos) return "";
    auto kind = error.substr(at + 7);
    return kind.substr(0, kind.find_first_not_of("abcdefghijklmnopqrstuvwxyz"));
}

std::string kind_of(const Json& v) {
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "boolean";
    return v.is_null() ? "null" : "string";
}

// Does `error` blame the parameter `key` for the type its value was given?
bool blames(const std::string& error, const std::string& key, const Json& value) {
    if (error.find("'" + key + "'") != std::string::npos ||
        error.find("\"" + key + "\"") != std::string::npos)
        return true;
    // The JSON library names no parameter, only the type it found: this one, if it has it.
    return error.find("bad params") != std::string::npos && found_kind(error) == kind_of(value);
}

}  // namespace

std::string inferred_type_hint(const std::vector<std::string>& args, const std::string& error) {
    // A name the handler does not accept, or one the call lacks: no value's type is the problem.
    for (const char* other : {"unknown parameter", "missing parameter", " not found"})
        if (error.find(other) != std::string::npos) return "";
    if (args.size() == 1 && !args[0].empty() && (args[0][0] == '{' || args[0][0] == '['))
        return "";
    for (const auto& a : args) {
        size_t eq = a.find('=');
        if (eq == std::string::npos || eq == 0 || a[eq - 1] == ':') continue;
        std::string key = a.substr(0, eq), value = a.substr(eq + 1);
        Json inferred = infer_value(value);
        if (inferred.is_string() || !blames(error, key, inferred)) continue;
        return "'" + a + "' sent " +
               (inferred.is_number() ? std::string("a number") : "JSON " + value) +
               ": key=value infers numbers, true/false and null; to send the text, quote it: " +
               key + "='\"" + value + "\"'";
    }
    return "";
}

Json params_from_data(const std::string& data, std::istream& in) {
    std::string text;
    std::string what = "--data";
    if (data == "-") {
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        what = "stdin";
    } else if (!data.empty() && data[0] == '@') {
        text = util::read_file(data.substr(1));
        what = "'" + data.substr(1) + "'";
    } else {
        text = data;
    }
    Json v = parse_json_arg(text, what);
    if (!v.is_object()) throw DataError(what + " must hold a JSON object");
    return v;
}

}  // namespace aegis::tool
