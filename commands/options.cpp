#include "commands/options.hpp"
#include <chrono>
#include <string>

#include <CLI/CLI.hpp>

#include "core/util/error.hpp"

namespace aegis::cmd {

CLI::Option* add_seconds_option(CLI::App* app, const std::string& names,
                                std::chrono::milliseconds& target, const std::string& description,
                                const util::SecondsRange& range) {
    // The longest name ("--timeout") is what the error message quotes.
    std::string what = names.substr(names.rfind(',') == std::string::npos ? 0 : names.rfind(',') + 1);
    auto* opt = app->add_option_function<std::string>(
        names,
        [&target, range, what](const std::string& text) {
            try {
                target = util::parse_seconds(text, what, range);
            } catch (const UsageError& e) {
                throw CLI::ValidationError(e.what());  // main prints it: one line, exit 2
            }
        },
        description);
    return opt->type_name("SECONDS")->default_str(util::seconds_text(target));
}

}  // namespace aegis::cmd
