#pragma once
// In util (part of the SDK) because logs need it too; the tool calls it output::visible.
// Text from the network (service names, instance ids, metadata, leader ids, error messages,
// event payloads) is hostile: printed raw, "\x1b[2J" clears the user's screen and an OSC sets the
// window title. Every human-readable line that carries such text goes through visible(); JSON
// output does not (it is exact, and JSON escapes control characters itself).
#include <string>
#include <string_view>

namespace aegis::util {

// `text` with every control character rendered as a visible escape: C0 (tab and newline too)
// and DEL as \xNN, C1 (U+0080..U+009F, which some terminals take as CSI or OSC) as \u00NN, and
// bytes that are not UTF-8 as \xNN. Printable UTF-8 passes unchanged.
std::string visible(std::string_view text);
// visible() for text that carries our own colours (Style): well-formed SGR sequences
// (ESC [ digits and semicolons m) pass, every other control character is rendered. Tables apply
// it to every cell, a safety net under the visible() calls where remote text enters a line.
std::string visible_styled(std::string_view text);
// True when visible(text) == text (no copy needed; for tests and fast paths).
bool is_visible(std::string_view text);

}  // namespace aegis::util
