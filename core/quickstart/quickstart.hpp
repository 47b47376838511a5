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

// What of `--nats URL` may be written into a project: each URL of the list without its
// credentials (user:password@ or token@ — the README is shared, committed, pasted), shell-quoted
// when it holds anything but plain URL characters. UsageError for whitespace or control
// characters. `dropped` (optional) is set when credentials were left out.
std::string writable_url(const std::string& url, bool* dropped = nullptr);

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
    bool dropped_credentials = false; // the --nats URL had credentials, not written
};
// Writes the project. CantCreateError (73) when `dir` exists and is not empty, or cannot be
// made; nothing is written then.
Written scaffold(const Request& request);

// Writes `files` under `dir` all at once: into a temporary directory beside it, renamed to `dir`
// when every file is complete. On failure nothing is left (IoError 74 for a failed write, a
// full disk; CantCreateError 73 when the directory cannot be made), so the command can be rerun.
void write_project(const std::string& dir, const std::vector<File>& files);

}  // namespace aegis::quickstart
