#include "core/config/sdk_config.hpp"
#include <map>
#include <optional>
#include <vector>
#include <string>

#include <unistd.h>

#include <cstdlib>

#include "core/config/config_fields.hpp"
#include "core/config/config_file.hpp"
#include "core/util/error.hpp"
#include "core/util/paths.hpp"

namespace aegis::config {

namespace {

std::string getenv_str(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

std::string dir_of(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

void apply_file_values(SdkConfig& c, const ParsedFile& file,
                       const std::map<std::string, FileValue>& values, const std::string& label) {
    for (auto& [key, fv] : values) {
        const Field* f = find_field(key);
        if (!f) continue;  // the parser already rejected unknown keys
        if (auto err = assign(c, *f, fv.text, dir_of(file.path)); !err.empty())
            throw ConfigError("config file '" + file.path + "' line " + std::to_string(fv.line) +
                                  ": field '" + key + "' " + err,
                              "fix the value or remove the line");
        c.sources[key] = "file " + file.path + ":" + std::to_string(fv.line) + label;
    }
}

std::string choose_context(const LoadOptions& o, const ParsedFile* file) {
    if (!o.context.empty()) return o.context;
    if (o.use_environment) {
        auto env = getenv_str("AEGIS_CONTEXT");
        if (!env.empty()) return env;
    }
    return file ? file->current_context.text : std::string();
}

void apply_file(SdkConfig& c, const LoadOptions& o) {
    if (!o.read_file) return;
    std::string path = find_config_file(o, &c.searched);
    std::optional<ParsedFile> file;
    if (!path.empty()) {
        file = parse_config_file(path);
        c.file = path;
        c.contexts = file->context_names;
        apply_file_values(c, *file, file->values, "");
    }
    std::string ctx = choose_context(o, file ? &*file : nullptr);
    if (ctx.empty()) return;
    if (!file) {
        std::string looked;
        for (auto& s : c.searched) looked += (looked.empty() ? "" : ", ") + s;
        throw ConfigError("context '" + ctx + "' needs a config file, and none was found",
                          "looked in: " + looked + "; see 'aegis config --help'");
    }
    auto it = file->contexts.find(ctx);
    if (it == file->contexts.end()) {
        std::string names;
        for (auto& n : file->context_names) names += (names.empty() ? "" : ", ") + n;
        throw ConfigError("context '" + ctx + "' is not defined in '" + path + "'",
                          names.empty() ? "the file defines no contexts"
                                        : "defined contexts: " + names);
    }
    c.context = ctx;
    apply_file_values(c, *file, it->second, " (context " + ctx + ")");
}

void apply_environment(SdkConfig& c) {
    for (auto& f : fields()) {
        for (auto name : f.env) {
            std::string var(name);
            std::string v = getenv_str(var.c_str());
            // "auto" in a URL variable means "no override" (NATS_URL=auto is harmless).
            if (v.empty() || (f.kind == Kind::url && v == "auto")) continue;
            if (auto err = assign(c, f, v, ""); !err.empty())
                throw ConfigError("environment variable " + var + " " + err,
                                  "fix or unset " + var);
            c.sources[std::string(f.key)] = "env " + var;
            break;
        }
    }
}

void apply_flag(SdkConfig& c, const std::string& key, const std::string& value,
                const std::string& flag) {
    if (value.empty()) return;
    const Field* f = find_field(key);
    if (auto err = assign(c, *f, value, ""); !err.empty())
        throw ConfigError("option " + flag + " " + err, "see 'aegis --help'");
    c.sources[key] = "flag " + flag;
}

}  // namespace

std::string SdkConfig::source_of(const std::string& field) const {
    auto it = sources.find(field);
    return it == sources.end() ? "default" : it->second;
}

std::string find_config_file(const LoadOptions& o, std::vector<std::string>* searched) {
    auto note = [&](const std::string& p) {
        if (searched) searched->push_back(p);
    };
    if (!o.config_file.empty()) {
        note(o.config_file);
        if (!exists(o.config_file))
            throw NoInputError("config file '" + o.config_file + "' not found",
                               "check the --config path");
        return o.config_file;
    }
    if (o.use_environment) {
        std::string env = getenv_str("AEGIS_CONFIG");
        if (!env.empty()) {
            note(env);
            if (!exists(env))
                throw NoInputError("config file '" + env + "' (from AEGIS_CONFIG) not found",
                                   "fix or unset AEGIS_CONFIG");
            return env;
        }
    }
    for (const std::string& p :
         {std::string("./aegis.yaml"), util::config_dir() + "/config.yaml"}) {
        note(p);
        if (exists(p)) return p;
    }
    return {};
}

SdkConfig load_config(const LoadOptions& o) {
    SdkConfig c;
    apply_file(c, o);
    if (o.use_environment) apply_environment(c);
    apply_flag(c, "nats_url", o.server, "--server");
    apply_flag(c, "auth.creds_file", o.creds_file, "--creds");
    return c;
}

std::vector<ConfigRow> describe(const SdkConfig& c) {
    std::vector<ConfigRow> rows;
    for (auto& f : fields()) {
        ConfigRow r;
        r.key = std::string(f.key);
        r.value = f.get(c);
        r.secret = f.kind == Kind::secret;
        if (r.secret && !r.value.empty()) r.value = "********";
        if (f.kind == Kind::url) r.value = nats::redact_url(r.value);
        r.source = c.source_of(r.key);
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace aegis::config
