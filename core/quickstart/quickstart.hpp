#pragma once
// `aegis quickstart`: the project templates embedded in the binary (core/quickstart/templates,
// turned into a .cpp at build time by embed_templates.cmake) and the scaffolding that writes one.
#include <string>
#include <vector>

namespace aegis::quickstart {

struct Template {
    std::string name;     // service, single-active, events, client
    std::string summary;  // one line for --list
};
const std::vector<Template>& templates();
// UsageError naming the templates when `name` is not one of them.
const Template& find_template(const std::string& name);

struct Request {
    std::string name;       // the service (and project) name: service-name rules
    std::string templ = "service";
    std::string dir;        // empty: ./<name>
    std::string nats_url;   // empty: auto (the README's run command has no --server)
};

struct File {
    std::string path;  // relative to the project directory
    std::string content;
};

// The files of the project, placeholders filled in. UsageError for a bad name or template.
std::vector<File> render(const Request& request);

struct Written {
    std::string dir;                  // as given (or ./<name>)
    std::vector<std::string> files;   // relative paths, in the order written
    std::vector<std::string> next;    // the next three commands: build, run, call
};
// Writes the project. CantCreateError (73) when `dir` exists and is not empty, or cannot be
// made; nothing is written then.
Written scaffold(const Request& request);

}  // namespace aegis::quickstart
