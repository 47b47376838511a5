#include "core/quickstart/quickstart.hpp"
#include <vector>
#include <string>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/util/error.hpp"
#include "core/util/text.hpp"
#include "core/wire/names.hpp"

namespace aegis::quickstart {

// Generated from core/quickstart/templates/ (embed_templates.cmake): one entry per file, under
// "common/" (every template) or "<template>/".
struct EmbeddedFile {
    const char* path;
    const char* content;
};
extern const EmbeddedFile k_embedded_templates[];
extern const std::size_t k_embedded_template_count;

namespace {

namespace fs = std::filesystem;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// How each template is reached once it runs (README and the last line of the scaffold).
std::string call_command(const Request& r) {
    if (r.templ == "single-active") return "aegis call " + r.name + " process item=42";
    if (r.templ == "events")
        return "aegis events publish order created order_id=1 && aegis call " + r.name + " stats";
    if (r.templ == "client") return "aegis demo echo & ./build/" + r.name;
    return "aegis call " + r.name + " echo message=hello";
}

std::string run_command(const Request& r) {
    std::string server = r.nats_url.empty() ? "" : " --server " + writable_url(r.nats_url);
    if (r.templ == "client") return "aegis up   # a local NATS, if you have none";
    return "./build/" + r.name + server + " &";
}

std::map<std::string, std::string> placeholders(const Request& r) {
    return {{"{{name}}", r.name},
            {"{{template}}", r.templ},
            {"{{nats_url}}", r.nats_url.empty() ? "auto" : writable_url(r.nats_url)},
            {"{{server_flag}}", r.nats_url.empty() ? "" : " --server " + writable_url(r.nats_url)},
            {"{{replicas}}", r.templ == "single-active" ? "3" : "2"},
            {"{{run}}", run_command(r)},
            {"{{call}}", call_command(r)},
            {"{{summary}}", find_template(r.templ).summary}};
}

std::vector<std::string> next_commands(const Request& r, const std::string& dir) {
    return {"cd " + dir + " && cmake -B build && cmake --build build -j", run_command(r),
            call_command(r)};
}

// Characters a shell takes literally in a word: a URL of only these is written as it is.
bool plain_url_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr(":/._-,%+=", c) != nullptr;
}

}  // namespace

std::string writable_url(const std::string& url, bool* dropped) {
    for (char c : url)
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
            throw UsageError("--nats: a URL holds no spaces or control characters",
                             "e.g. --nats nats://127.0.0.1:4222");
    std::string out;
    bool any = false;
    for (const auto& one : util::split(url, ',')) {
        auto host = one.find("://");
        host = host == std::string::npos ? 0 : host + 3;
        std::string clean = one;
        if (auto at = one.rfind('@'); at != std::string::npos && at >= host) {
            clean = one.substr(0, host) + one.substr(at + 1);
            any = true;
        }
        out += (out.empty() ? "" : ",") + clean;
    }
    if (dropped) *dropped = any;
    if (std::all_of(out.begin(), out.end(), plain_url_char)) return out;
    std::string quoted = "'";
    for (char c : out) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

const std::vector<Template>& templates() {
    static const std::vector<Template> list = {
        {"service", "RPC handlers: every instance shares the calls (queue group)"},
        {"single-active", "one leader runs the exclusive method; standbys take over on failure"},
        {"events", "event handlers: compete (work shared) and broadcast (every instance)"},
        {"client", "no service: discovers services in the registry and calls one"},
    };
    return list;
}

const Template& find_template(const std::string& name) {
    std::string names;
    for (const auto& t : templates()) {
        if (t.name == name) return t;
        names += (names.empty() ? "" : ", ") + t.name;
    }
    throw UsageError("unknown template '" + name + "' (templates: " + names + ")",
                     "see 'aegis quickstart --list'");
}

std::vector<File> render(const Request& r) {
    if (auto why = wire::check_service_name(r.name); !why.empty())
        throw UsageError(why, "a service name is lower case letters, digits and '-', e.g. my-svc");
    find_template(r.templ);
    auto values = placeholders(r);
    std::vector<File> files;
    for (std::size_t i = 0; i < k_embedded_template_count; ++i) {
        std::string path = k_embedded_templates[i].path;
        auto slash = path.find('/');
        std::string owner = path.substr(0, slash);
        if (owner != "common" && owner != r.templ) continue;
        std::string content = k_embedded_templates[i].content;
        for (const auto& [key, value] : values) content = replace_all(content, key, value);
        files.push_back({path.substr(slash + 1), std::move(content)});
    }
    return files;
}

Written scaffold(const Request& r) {
    auto files = render(r);
    Written w;
    w.dir = r.dir.empty() ? r.name : r.dir;
    fs::path dir(w.dir);
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw CantCreateError("'" + w.dir + "' exists and is not empty: nothing was written",
                              "choose another --dir, or remove it");
    write_project(w.dir, files);
    for (const auto& f : files) w.files.push_back(f.path);
    if (!r.nats_url.empty()) writable_url(r.nats_url, &w.dropped_credentials);
    w.next = next_commands(r, w.dir);
    return w;
}

}  // namespace aegis::quickstart
