// The built-in scenarios: scenarios/*.yaml compiled into the binary by
// cmake/embed_scenarios.cmake, parsed once on first use.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/scenario/loader.hpp"

namespace aegis::scenario {

extern const std::vector<std::pair<const char*, const char*>> k_builtin_files;

const std::vector<Scenario>& builtin_scenarios() {
    static const std::vector<Scenario> all = [] {
        std::vector<Scenario> out;
        for (const auto& [file, text] : k_builtin_files)
            for (auto& sc : load_scenarios(text, std::string("scenarios/") + file)) {
                sc.builtin = true;
                out.push_back(std::move(sc));
            }
        std::sort(out.begin(), out.end(),
                  [](const Scenario& a, const Scenario& b) { return a.name < b.name; });
        return out;
    }();
    return all;
}

}  // namespace aegis::scenario
