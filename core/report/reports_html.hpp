#pragma once
// The HTML reports of `aegis load`, `aegis failover` and `aegis test --html`, each drawn from the
// command's --json document alone (one source: the page's figures and the JSON it embeds cannot
// disagree). Self-contained: inline CSS and SVG, one short inline script, nothing fetched.
#include <string>

#include "core/wire/json.hpp"

namespace aegis::report {

std::string load_html(const Json& doc);
std::string failover_html(const Json& doc);
std::string test_html(const Json& doc);

}  // namespace aegis::report
