#pragma once
// Text from the network shown on a terminal: control characters (ESC, CR, BEL, ...) rendered
// visibly as \xNN so a hostile name cannot move the cursor, recolour or rewrite the screen.
#include <string>
#include <string_view>

namespace aegis::output {

std::string visible(std::string_view text);

}  // namespace aegis::output
