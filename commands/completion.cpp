// aegis completion bash|zsh|fish: print a completion script generated from the live command
// tree. The scripts call back `aegis completion --services` / `--methods SERVICE` (hidden) for
// names from the registry; those print nothing, and exit 0, when NATS is not there in time.
#include <CLI/CLI.hpp>
#include <memory>
#include <vector>
#include <string>

#include "commands/completion_tree.hpp"
#include "commands/context.hpp"
#include "core/tool/shell_names.hpp"
#include "core/config/sdk_config.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"

namespace aegis::cmd {

namespace {

struct CompletionOpts {
    std::string shell;
    bool services = false;
    bool methods = false;  // --methods given (even with an empty SERVICE)
    bool man = false;
    bool single_active = false;  // with --services: only single-active ones
    std::string methods_of;
};

// Pressing TAB must never print an error: whatever goes wrong, the answer is no names.
int run_completion_names(Context& ctx, const CompletionOpts& o) {
    if (ctx.global.verbose == 0) log::set_level(log::Level::off);
    std::vector<std::string> names;
    try {
        if (o.services)
            names = tool::shell_service_names(ctx.config(), o.single_active);
        else
            names = tool::shell_method_names(ctx.config(), o.methods_of);
    } catch (const std::exception&) {
        names.clear();  // e.g. a config file that does not parse
    }
    std::string out;
    for (const auto& n : names) out += n + "\n";
    ctx.print(out);
    return 0;
}

int run_completion(Context& ctx, const CLI::App& root, const CompletionOpts& o) {
    if (o.services || o.methods) return run_completion_names(ctx, o);
    if (o.man) {
        ctx.print(completion::man_page(completion::describe_cli(root), "aegis " AEGIS_VERSION));
        return 0;
    }
    if (o.shell.empty())
        throw UsageError("name a shell: aegis completion bash|zsh|fish",
                         "see 'aegis completion --help'");
    auto tree = completion::describe_cli(root);
    if (o.shell == "bash") ctx.print(completion::bash_script(tree));
    if (o.shell == "zsh") ctx.print(completion::zsh_script(tree));
    if (o.shell == "fish") ctx.print(completion::fish_script(tree));
    return 0;
}

}  // namespace

void setup_completion(CLI::App& root, Context& ctx) {
    auto o = std::make_shared<CompletionOpts>();
    auto* app = root.add_subcommand("completion");
    app->footer(
        "Enable it:\n"
        "  bash: source <(aegis completion bash)          (in ~/.bashrc)\n"
        "  zsh:  source <(aegis completion zsh)           (in ~/.zshrc, after compinit)\n"
        "  fish: aegis completion fish > ~/.config/fish/completions/aegis.fish\n"
        "Service and method names (aegis call SERVICE METHOD) come from the live registry.");
    app->add_option("shell", o->shell, "bash, zsh or fish")
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    // The scripts' callbacks for names from the registry: hidden from --help and completion.
    app->add_flag("--services", o->services, "print service names")->group("");
    // The man page, made at build time (cmake/install.cmake) from this same tree.
    app->add_flag("--man", o->man, "print the aegis(1) man page")->group("");
    app->add_flag("--single-active", o->single_active, "only single-active services")->group("");
    auto* methods =
        app->add_option("--methods", o->methods_of, "print the methods of SERVICE")->group("");
    app->callback([o, methods, &ctx, &root] {
        o->methods = methods->count() > 0;
        ctx.run = [o, &ctx, &root] { return run_completion(ctx, root, *o); };
    });
}

}  // namespace aegis::cmd
