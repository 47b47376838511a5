// --spawn-cmd's word splitting: shell-like quoting, and none of a shell's expansions.
#include <catch2/catch.hpp>

#include "core/util/command_line.hpp"
#include "core/util/error.hpp"

using aegis::util::split_command;
using V = std::vector<std::string>;

TEST_CASE("command line: words, quotes and backslashes as a shell splits them") {
    CHECK(split_command("./svc --port 1") == V{"./svc", "--port", "1"});
    CHECK(split_command("  a \t b\n") == V{"a", "b"});
    CHECK(split_command("svc --name 'my service' --x \"a \\\"b\\\" \\\\ c\"") ==
          V{"svc", "--name", "my service", "--x", "a \"b\" \\ c"});
    CHECK(split_command("a\\ b 'it''s' \"\"") == V{"a b", "its", ""});
    CHECK(split_command("\"a\\nb\"") == V{"a\\nb"});  // \n stays two characters
}

TEST_CASE("command line: no shell expansion of any kind") {
    CHECK(split_command("svc $(touch pwned) `id` $HOME ~ *.log a;b|c >out") ==
          V{"svc", "$(touch", "pwned)", "`id`", "$HOME", "~", "*.log", "a;b|c", ">out"});
}

TEST_CASE("command line: unterminated quotes, a trailing backslash and nothing are usage errors") {
    CHECK_THROWS_AS(split_command("svc 'oops"), aegis::UsageError);
    CHECK_THROWS_AS(split_command("svc \"oops"), aegis::UsageError);
    CHECK_THROWS_AS(split_command("svc \\"), aegis::UsageError);
    CHECK_THROWS_AS(split_command("   "), aegis::UsageError);
}
