// aegis config show | contexts: the effective configuration and where each value came from.
#include <CLI/CLI.hpp>
#include <vector>
#include <string>

#include "commands/context.hpp"
#include "commands/help_text.hpp"
#include "core/config/sdk_config.hpp"
#include "core/output/table.hpp"

namespace aegis::cmd {

namespace {

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

Json show_json(const config::SdkConfig& c) {
    Json values = Json::object();
    for (auto& row : config::describe(c)) {
        Json v = {{"value", row.value}, {"source", row.source}};
        if (row.secret) v["set"] = !row.value.empty();
        values[row.key] = std::move(v);
    }
    return {{"file", c.file.empty() ? Json(nullptr) : Json(c.file)},
            {"context", c.context.empty() ? Json(nullptr) : Json(c.context)},
            {"contexts", c.contexts},
            {"searched", c.searched},
            {"values", std::move(values)}};
}

int run_show(Context& ctx) {
    const auto& c = ctx.config();
    if (ctx.global.json) {
        ctx.print_json(show_json(c));
        return 0;
    }
    auto st = ctx.out_style();
    std::string out;
    if (c.file.empty())
        out += "config file: none (looked in " + joined(c.searched) + ")\n";
    else
        out += "config file: " + c.file +
               (c.context.empty() ? "" : " (context " + c.context + ")") + "\n";
    if (!c.contexts.empty()) out += "contexts:    " + joined(c.contexts) + "\n";
    out += "\n";
    output::Table t({"KEY", "VALUE", "SOURCE"});
    for (auto& row : config::describe(c))
        t.add({row.key, row.value.empty() ? "-" : row.value,
               row.source == "default" ? st.dim(row.source) : row.source});
    out += t.render(st.color ? "\033[1m" : "", st.color ? "\033[0m" : "");
    ctx.print(out);
    return 0;
}

int run_contexts(Context& ctx) {
    const auto& c = ctx.config();
    if (ctx.global.json) {
        ctx.print_json({{"file", c.file.empty() ? Json(nullptr) : Json(c.file)},
                        {"current", c.context.empty() ? Json(nullptr) : Json(c.context)},
                        {"contexts", c.contexts}});
        return 0;
    }
    if (c.file.empty()) {
        ctx.print("no config file (looked in " + joined(c.searched) + ")\n");
        return 0;
    }
    std::string out;
    for (auto& name : c.contexts) out += (name == c.context ? "* " : "  ") + name + "\n";
    if (c.contexts.empty()) out = "no contexts in " + c.file + "\n";
    ctx.print(out);
    return 0;
}

}  // namespace

void setup_config(CLI::App& root, Context& ctx) {
    auto* app = root.add_subcommand("config");
    app->require_subcommand(0, 1);
    app->footer(
        "Sources, weakest first: defaults, the config file (--config, $AEGIS_CONFIG,\n"
        "./aegis.yaml, $XDG_CONFIG_HOME/aegis/config.yaml) and its context (--context,\n"
        "$AEGIS_CONTEXT, current_context), environment (AEGIS_NATS_URL, NATS_URL,\n"
        "AEGIS_NAMESPACE, NATS_CREDS ...), flags (--server, --creds). Secrets are masked.\n"
        "See docs/commands/config.md.");
    auto* show = app->add_subcommand("show", "print every setting, its value and its source");
    show->fallthrough();
    add_examples(*show, "aegis config show\naegis config show --context staging --json");
    show->callback([&ctx] { ctx.run = [&ctx] { return run_show(ctx); }; });
    auto* contexts = app->add_subcommand("contexts", "list the config file's named contexts");
    contexts->fallthrough();
    add_examples(*contexts, "aegis config contexts");
    contexts->callback([&ctx] { ctx.run = [&ctx] { return run_contexts(ctx); }; });
}

}  // namespace aegis::cmd
