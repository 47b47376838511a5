// aegis help [COMMAND [SUBCOMMAND]]: a command's --help, as `git help` and `gh help` give it.
// The hidden `aegis help --commands` prints every command path, one per line (--json: with its
// summary): the list tests and scripts derive from the command table instead of keeping their own.
#include <CLI/CLI.hpp>
#include <memory>
#include <vector>
#include <string>

#include "commands/context.hpp"
#include "commands/help_text.hpp"
#include "core/util/error.hpp"
#include "core/util/text.hpp"

namespace aegis::cmd {

namespace {

struct HelpOpts {
    std::vector<std::string> path;
    bool list = false;
};

void walk(const CLI::App& app, const std::string& path, Json& out) {
    for (const auto& name : subcommand_names(app)) {
        const CLI::App* sub = find_subcommand(app, name);
        std::string full = path.empty() ? name : path + " " + name;
        out.push_back({{"command", full}, {"summary", sub->get_description()}});
        walk(*sub, full, out);
    }
}

int run_help(Context& ctx, const CLI::App& root, const HelpOpts& o) {
    if (o.list) {
        Json all = Json::array();
        walk(root, "", all);
        if (ctx.global.json) {
            ctx.print_json(all);
        } else {
            std::string out;
            for (const auto& c : all) out += c["command"].get<std::string>() + "\n";
            ctx.print(out);
        }
        return 0;
    }
    const CLI::App* node = &root;
    std::string prefix = "aegis";
    for (const auto& word : o.path) {
        const CLI::App* sub = find_subcommand(*node, word);
        if (!sub || sub->get_group().empty()) {
            std::string near = util::closest(word, subcommand_names(*node));
            throw UsageError("no help for '" + prefix + " " + word + "': no such command",
                             near.empty() ? "see 'aegis help'" : "did you mean '" + near + "'?");
        }
        if (node != &root) prefix += " " + node->get_name();  // the path above `sub`
        node = sub;
    }
    ctx.print(node == &root ? root.help() : node->help(prefix));
    return 0;
}

}  // namespace

void setup_help(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<HelpOpts>();
    auto* app = root.add_subcommand("help");
    app->add_option("command", o->path, "a command, and a subcommand of it (demo echo)");
    app->add_flag("--commands", o->list, "print every command path")->group("");
    app->callback([o, &ctx, &root] { ctx.run = [o, &ctx, &root] { return run_help(ctx, root, *o); }; });
}

}  // namespace aegis::cmd
