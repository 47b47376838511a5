#pragma once
// The YAML config file: top-level fields, nested k8s / auth / tls maps, and named contexts that
// override them. Internal to core/config (only core may include yaml-cpp).
#include <map>
#include <string>
#include <vector>

namespace aegis::config {

struct FileValue {
    std::string text;
    int line = 0;  // 1-based
};

struct ParsedFile {
    std::string path;
    std::map<std::string, FileValue> values;  // dotted key → value
    std::map<std::string, std::map<std::string, FileValue>> contexts;
    std::vector<std::string> context_names;  // in file order
    FileValue current_context;
};

// ConfigError "config file 'P' line N: ..." for YAML syntax errors, unknown fields and values of
// the wrong shape. Values are checked against their kinds later, by the loader.
ParsedFile parse_config_text(const std::string& text, const std::string& path);
ParsedFile parse_config_file(const std::string& path);

}  // namespace aegis::config
