#pragma once
// The table of configuration fields: their keys in the file, environment variables, kinds and
// how a text value is checked and stored. Internal to core/config.
#include <string>
#include <string_view>
#include <vector>

#include "core/config/sdk_config.hpp"

namespace aegis::config {

enum class Kind {
    text,
    url,
    path,
    port,
    seconds,
    boolean,
    environment,
    k8s_name,
    secret,
    replicas,
    count,  // a positive number, at most 1,000,000
};

struct Field {
    std::string_view key;  // dotted: "k8s.namespace"
    Kind kind;
    std::vector<std::string_view> env;  // strongest first
    void (*set)(SdkConfig&, const std::string&);
    std::string (*get)(const SdkConfig&);
};

const std::vector<Field>& fields();
const Field* find_field(std::string_view key);
// Every key, comma separated (for "unknown field" hints).
std::string known_keys();
// "did you mean 'k8s.namespace'?" for a near miss, else the list of known keys.
std::string unknown_key_hint(std::string_view key);

// Checks `text` for the field's kind and stores it; returns a message when it is not valid
// ("must be a port number 1-65535 (got 'x')"; secrets are never echoed). Relative paths are
// taken from `base_dir`, and "~/" is the home directory.
std::string assign(SdkConfig& config, const Field& field, const std::string& text,
                   const std::string& base_dir);

}  // namespace aegis::config
