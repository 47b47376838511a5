// aegis demo [NAME]: run one of the example services, or list them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "commands/context.hpp"
#include "commands/demos/demo.hpp"
#include "commands/help_text.hpp"

namespace aegis::cmd {

void setup_demo(CLI::App& root, Context& ctx) {
    auto* app = root.add_subcommand("demo");
    app->require_subcommand(0, 1);
    bool one = ctx.names_one_of(1, demos::demo_table());
    for (const auto& d : demos::demo_table()) {
        if (one && !ctx.selects(1, d.name)) continue;
        d.setup(*app, ctx);
        CLI::App* sub = find_subcommand(*app, d.name);
        sub->description(d.summary);
        add_examples(*sub, std::string("aegis demo ") + d.name + "\n" + d.examples);
    }
    // 'aegis demo' alone lists them too; --list is what other commands (test, quickstart) take.
    auto list = std::make_shared<bool>(false);  // the lines are the same either way
    app->add_flag("--list", *list, "list the demos, one line each (as 'aegis demo' alone)");
    app->callback([app, list, &ctx] {
        if (!app->get_subcommands().empty()) return;  // a demo was chosen; it set ctx.run
        ctx.run = [&ctx] {
            if (ctx.global.json) {
                Json list = Json::array();
                for (const auto& d : demos::demo_table())
                    list.push_back({{"name", d.name}, {"summary", d.summary}});
                ctx.print_json(list);
                return 0;
            }
            auto st = ctx.out_style();
            std::string out = "Demos (run one with 'aegis demo NAME', stop it with Ctrl-C):\n";
            for (const auto& d : demos::demo_table())
                out += fmt::format("  {:<16} {}\n", st.bold(d.name), d.summary);
            ctx.print(out);
            return 0;
        };
    });
}

}  // namespace aegis::cmd
