// aegis quickstart NAME [--template T] [--dir DIR] [--nats URL] [--yes] | --list: scaffold a
// service project that builds against the installed SDK (core/quickstart).
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <fmt/format.h>
#include <unistd.h>

#include <functional>
#include <iostream>
#include <string_view>

#include "commands/context.hpp"
#include "core/quickstart/pattern_choice.hpp"
#include "core/quickstart/quickstart.hpp"
#include "core/util/error.hpp"
#include "core/wire/names.hpp"

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

// Asks until `check` accepts the answer (it returns "" for a good one, else why not).
std::string ask_until(const std::string& question, const std::string& fallback,
                      const std::function<std::string(const std::string&)>& check) {
    for (;;) {
        std::string answer = ask(question, fallback);
        std::string why = check(answer);
        if (why.empty()) return answer;
        std::cerr << "  " << why << "\n";
    }
}

bool ask_yes_no(std::string_view question) {
    for (;;) {
        std::string a = ask(std::string(question) + " y/n", "n");
        if (a == "y" || a == "Y" || a == "yes") return true;
        if (a == "n" || a == "N" || a == "no") return false;
        std::cerr << "  answer y or n\n";
    }
}

std::string template_problem(const std::string& name) {
    try {
        quickstart::find_template(name);
        return "";
    } catch (const Error& e) {
        return e.what();
    }
}

// Each answer is checked as it is given, and asked again until it is right. The template is
// proposed from a few questions about what the service does (docs/patterns.md).
void interview(QuickstartOpts& o) {
    std::string names;
    for (const auto& t : quickstart::templates()) names += (names.empty() ? "" : ", ") + t.name;
    o.request.name =
        ask_until("service name", o.request.name.empty() ? "my-service" : o.request.name,
                  [](const std::string& n) { return wire::check_service_name(n); });
    std::cerr << "Which pattern fits? (docs/patterns.md)\n";
    auto choice = quickstart::choose_pattern(ask_yes_no);
    std::cerr << "→ " << choice.templ << ": " << choice.why << "\n";
    o.request.templ = ask_until("template (" + names + ")", choice.templ, template_problem);
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
        "On a terminal without --template or --yes it asks for the name, a few questions that\n"
        "pick the template (saying why; you may choose another), and the NATS URL.\n"
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
