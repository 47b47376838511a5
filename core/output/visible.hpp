#pragma once
// Rendering remote text for terminals: output::visible(text) (and visible_styled for text with our
// own colours). The implementation is util::visible (core/util/visible.hpp), where the SDK's logs
// can reach it too; the tool's output code uses these names.
#include "core/util/visible.hpp"

namespace aegis::output {

using util::is_visible;
using util::visible;
using util::visible_styled;

}  // namespace aegis::output
