// aegis quickstart NAME [--template T] [--dir DIR] [--nats URL] [--yes] | --list: scaffold a
// service project that builds against the installed SDK (core/quickstart).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "commands/context.hpp"
#include "core/quickstart/quickstart.hpp"
#include "core/util/error.hpp"

namespace aegis::cmd {

namespace {

struct QuickstartOpts {
    quickstart::Request request;
    bool template_given = false;
    bool list = false;
    bool yes = false;
};

// One question on stderr, the answer from stdin; Enter keeps the default.
std::string ask(const std::string& question, const std::string& fallback) {
    std::cerr << question << " [" << fallback << "]: " << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) throw InterruptedError("no answer: nothing was written");
    return line.empty() ? fallback : line;
}

void interview(QuickstartOpts& o) {
    std::string names;
    for (const auto& t : quickstart::templates()) names += (names.empty() ? "" : ", ") + t.name;
    o.request.name = ask("service name", o.request.name.empty() ? "my-service" : o.request.name);
    o.request.templ = ask("template (" + names + ")", o.request.templ);
    std::string url = ask("NATS URL (auto: the way every aegis command finds it)", "auto");
    o.request.nats_url = url == "auto" ? "" : url;
}

int run_list(Context& ctx) {
    Json rows = Json::array();
    std::string text;
    for (const auto& t : quickstart::templates()) {
        rows.push_back({{"name", t.name}, {"summary", t.summary}});
        text += fmt::format("{:<14} {}\n", t.name, t.summary);
    }
    ctx.global.json ? ctx.print_json(rows) : ctx.print(text);
    return 0;
}

int run_quickstart(Context& ctx, QuickstartOpts& o) {
    if (o.list) return run_list(ctx);
    bool interactive = !o.yes && !o.template_given && ::isatty(0) && ::isatty(2);
    if (interactive) interview(o);
    if (o.request.name.empty())
        throw UsageError("name the service: aegis quickstart NAME",
                         "see 'aegis quickstart --help'");
    auto w = quickstart::scaffold(o.request);
    if (w.dropped_credentials)
        std::cerr << ctx.err_style().yellow(
                         "aegis: note: the credentials in --nats were not written into the "
                         "project; give them at run time ($NATS_URL, --creds)")
                  << "\n";
    if (ctx.global.json) {
        ctx.print_json({{"dir", w.dir}, {"template", o.request.templ}, {"files", w.files},
                        {"next", w.next}});
        return 0;
    }
    auto st = ctx.out_style();
    std::string text = fmt::format("{} {} ({} template, {} files)\n", st.green("created"), w.dir,
                                   o.request.templ, w.files.size());
    for (const auto& f : w.files) text += "  " + f + "\n";
    text += "\nnext:\n";
    for (const auto& c : w.next) text += "  " + c + "\n";
    ctx.print(text);
    return 0;
}

}  // namespace

void setup_quickstart(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<QuickstartOpts>();
    auto* app = root.add_subcommand("quickstart");
    app->add_option("name", o->request.name, "service (and project) name, e.g. my-svc");
    auto* templ = app->add_option("-t,--template", o->request.templ, "project template")
                      ->check(CLI::IsMember({"service", "single-active", "events", "client"}));
    app->add_flag("--list", o->list, "list the templates, one line each");
    app->add_option("--dir", o->request.dir, "where to write the project (default ./NAME)");
    app->add_option("--nats", o->request.nats_url,
                    "NATS URL for the README's run command (default: auto)");
    app->add_flag("-y,--yes", o->yes, "no questions, even on a terminal (CI)");
    app->footer(
        "On a terminal without --template or --yes it asks for the name, template and NATS URL.\n"
        "--nats credentials (user:password@) are never written; the URL is shell-quoted when\n"
        "needed. The project is written into a temporary directory, renamed when complete.\n"
        "Exit codes: 0 written, 2 bad name, template or URL, 73 the directory exists and is not\n"
        "empty or cannot be made, 74 a write failed (a full disk); nothing is left behind then.");
    app->callback([o, templ, &ctx] {
        o->template_given = templ->count() > 0;
        ctx.run = [o, &ctx] { return run_quickstart(ctx, *o); };
    });
}

}  // namespace aegis::cmd
