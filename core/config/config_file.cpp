#include "core/config/config_file.hpp"
#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "core/config/config_fields.hpp"
#include "core/util/error.hpp"
#include "core/util/paths.hpp"

namespace aegis::config {

// A config file is a few KiB of YAML: anything near this is a mistake (/dev/zero, a log file).
constexpr size_t k_max_config_bytes = 1u << 20;

namespace {

const char* const k_sections[] = {"k8s", "auth", "tls"};

[[noreturn]] void fail(const std::string& path, int line, const std::string& what,
                       const std::string& hint = {}) {
    std::string where = "config file '" + path + "'";
    if (line > 0) where += " line " + std::to_string(line);
    throw ConfigError(where + ": " + what, hint);
}

int line_of(const YAML::Node& n, int fallback) {
    int l = n.Mark().line;
    return l >= 0 ? l + 1 : fallback;
}

bool is_section(const std::string& key) {
    for (auto* s : k_sections)
        if (key == s) return true;
    return false;
}

void read_scalar(const std::string& path, const std::string& key, const YAML::Node& v, int line,
                 std::map<std::string, FileValue>& out) {
    const Field* f = find_field(key);
    if (!f) fail(path, line, "unknown field '" + key + "'", unknown_key_hint(key));
    if (v.IsNull()) return;  // "key:" with nothing = not set
    if (!v.IsScalar())
        fail(path, line, "field '" + key + "' must be a single value, not a list or map");
    out[key] = {v.Scalar(), line};
}

// Reads the fields of one level (the top or a context) into `out`.
void read_fields(const std::string& path, const YAML::Node& map, bool top,
                 std::map<std::string, FileValue>& out, ParsedFile& file) {
    // Range-for with a copy: yaml-cpp's iterator proxies trip GCC 12's dangling-pointer checks.
    for (auto kv : map) {
        std::string key = kv.first.Scalar();
        int line = line_of(kv.first, 0);
        const YAML::Node v = kv.second;
        if (top && key == "contexts") continue;  // read by the caller
        if (top && (key == "current_context" || key == "current-context")) {
            if (!v.IsScalar()) fail(path, line, "'current_context' must be a context name");
            file.current_context = {v.Scalar(), line};
            continue;
        }
        if (is_section(key)) {
            if (v.IsNull()) continue;
            if (!v.IsMap()) fail(path, line, "'" + key + "' must be a map of fields");
            for (auto sub : v)
                read_scalar(path, key + "." + sub.first.Scalar(), sub.second,
                            line_of(sub.first, line), out);
            continue;
        }
        read_scalar(path, key, v, line, out);
    }
}

void read_contexts(const std::string& path, const YAML::Node& node, ParsedFile& file) {
    if (!node || node.IsNull()) return;
    if (!node.IsMap()) fail(path, line_of(node, 0), "'contexts' must be a map of named contexts");
    for (auto kv : node) {
        std::string name = kv.first.Scalar();
        int line = line_of(kv.first, 0);
        const YAML::Node body = kv.second;
        if (!body.IsMap() && !body.IsNull())
            fail(path, line, "context '" + name + "' must be a map of fields");
        auto& values = file.contexts[name];
        file.context_names.push_back(name);
        if (body.IsMap()) read_fields(path, body, false, values, file);
    }
}

}  // namespace

ParsedFile parse_config_text(const std::string& text, const std::string& path) {
    ParsedFile file;
    file.path = path;
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        fail(path, e.mark.line >= 0 ? e.mark.line + 1 : 0, "not valid YAML: " + e.msg);
    }
    if (!root || root.IsNull()) return file;  // an empty file sets nothing
    if (!root.IsMap()) fail(path, line_of(root, 1), "the top level must be a map of fields");
    try {
        read_fields(path, root, true, file.values, file);
        read_contexts(path, root["contexts"], file);
    } catch (const YAML::Exception& e) {
        fail(path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
    }
    return file;
}

ParsedFile parse_config_file(const std::string& path) {
    std::string text;
    try {
        text = util::read_file(path, k_max_config_bytes);
    } catch (const IoError& e) {
        throw ConfigError(std::string("config file: ") + e.what(),
                          "--config and $AEGIS_CONFIG take a YAML file");
    }
    return parse_config_text(text, path);
}

}  // namespace aegis::config
