// output::visible: control characters from the network are rendered, never sent to a terminal.
#include <catch2/catch.hpp>

#include "core/output/visible.hpp"

using aegis::output::is_visible;
using aegis::output::visible;

TEST_CASE("visible renders C0, DEL, C1 and broken UTF-8 as escapes") {
    CHECK(visible("echo-service") == "echo-service");
    CHECK(visible("\x1b[2Jgone") == "\\x1b[2Jgone");
    CHECK(visible("\x1b]0;owned\x07") == "\\x1b]0;owned\\x07");
    CHECK(visible("a\tb\nc\rd") == "a\\x09b\\x0ac\\x0dd");
    CHECK(visible("del\x7f") == "del\\x7f");
    CHECK(visible("csi\xc2\x9b" "2J") == "csi\\u009b2J");  // U+009B: CSI for some terminals
    CHECK(visible("bad\xff\xfe") == "bad\\xff\\xfe");
    CHECK(visible("caf\xc3\xa9 \xe2\x86\x90 \xc2\xa0") == "caf\xc3\xa9 \xe2\x86\x90 \xc2\xa0");
    CHECK(visible(std::string("nul\0x", 5)) == "nul\\x00x");
    CHECK(is_visible("plain text, \xc3\xa9"));
    CHECK_FALSE(is_visible("\x1b"));
    CHECK_FALSE(is_visible("\xc2\x85"));
}

TEST_CASE("visible_styled keeps colour sequences and renders every other control") {
    using aegis::output::visible_styled;
    CHECK(visible_styled("\x1b[1mbold\x1b[0m") == "\x1b[1mbold\x1b[0m");
    CHECK(visible_styled("\x1b[2J\x1b[31mred\x1b]0;t\x07") == "\\x1b[2J\x1b[31mred\\x1b]0;t\\x07");
    CHECK(visible_styled("a\nb") == "a\\x0ab");
}
