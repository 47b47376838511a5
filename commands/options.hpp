#pragma once
// Option helpers every command shares (CLI11 stays in commands/ and app/).
#include <chrono>
#include <string>

#include "core/util/duration.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace aegis::cmd {

// A seconds option ("--timeout 1.5") stored as milliseconds in `target`, checked by
// util::parse_seconds: nan, inf, negative, absurdly large or non-numeric values are a usage
// error (exit 2) naming the option. The current value of `target` is shown as the default.
CLI::Option* add_seconds_option(CLI::App* app, const std::string& names,
                                std::chrono::milliseconds& target, const std::string& description,
                                const util::SecondsRange& range = {});

}  // namespace aegis::cmd
