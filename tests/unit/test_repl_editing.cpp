// The REPL without a terminal: line parsing, words, NOT_ACTIVE shapes (vector G6), the line
// buffer's editing keys and completion, and key decoding.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "core/tool/repl.hpp"
#include "core/output/line_editor.hpp"
#include "core/output/terminal.hpp"
#include "core/util/error.hpp"

using namespace aegis;
using namespace aegis::tool;

TEST_CASE("repl: lines parse into commands, JSON keeps its spaces") {
    auto l = parse_repl_line(R"(call echo-service echo {"message": "hi there"})");
    CHECK(l.verb == ReplVerb::call);
    CHECK(l.service == "echo-service");
    CHECK(l.method == "echo");
    CHECK(l.params == Json{{"message", "hi there"}});
    auto short_form = parse_repl_line("echo-service echo message='hello world' n=3");
    CHECK(short_form.verb == ReplVerb::call);
    CHECK(short_form.params == Json{{"message", "hello world"}, {"n", 3}});
    CHECK(parse_repl_line("   ").verb == ReplVerb::empty);
    CHECK(parse_repl_line("# a comment").verb == ReplVerb::empty);
    CHECK(parse_repl_line("services").verb == ReplVerb::services);
    CHECK(parse_repl_line("instances echo-service").arg == "echo-service");
    CHECK(parse_repl_line(":timeout 2.5").arg == "2.5");
    CHECK(parse_repl_line("exit").verb == ReplVerb::quit);
    CHECK_THROWS_AS(parse_repl_line("call echo-service"), UsageError);
    CHECK_THROWS_AS(parse_repl_line("instances"), UsageError);
    CHECK_THROWS_AS(parse_repl_line(":nope"), UsageError);
    CHECK_THROWS_AS(parse_repl_line(R"(call s m {"broken":)"), DataError);
    CHECK(split_words(R"(a "b c" 'd e' f\ g)") ==
          std::vector<std::string>{"a", "b c", "d e", "f g"});
    CHECK_THROWS_AS(split_words("a 'open"), UsageError);
}

TEST_CASE("repl: every NOT_ACTIVE shape is recognised and described") {
    wire::RpcResponse g6;
    g6.success = true;
    g6.result = {{"success", false}, {"error", "NOT_ACTIVE"},
                 {"message", "This instance is not active. Instance op-1 is in STANDBY mode for "
                             "group default."},
                 {"result", nullptr}};
    auto a = describe_not_active(g6);
    REQUIRE(a);
    CHECK(a->shape == "single-active result");
    CHECK(a->message.find("STANDBY") != std::string::npos);

    wire::RpcResponse envelope;
    envelope.success = false;
    envelope.error = "NOT_ACTIVE: standby";
    REQUIRE(describe_not_active(envelope));
    CHECK(describe_not_active(envelope)->shape == "envelope error");

    wire::RpcResponse scaffold;
    scaffold.success = true;
    scaffold.result = {{"error", true}, {"error_code", "NOT_ACTIVE"},
                       {"error_message", "Not the active leader"}};
    REQUIRE(describe_not_active(scaffold));
    CHECK(describe_not_active(scaffold)->message == "Not the active leader");

    wire::RpcResponse fine;
    fine.success = true;
    fine.result = {{"echo", "hi"}};
    CHECK_FALSE(describe_not_active(fine));
}

TEST_CASE("repl: the line buffer edits UTF-8 text and applies completions") {
    output::LineBuffer b;
    b.insert("call é");
    b.backspace();
    CHECK(b.text() == "call ");
    b.insert("echo-se");
    CHECK(b.complete({5, {"echo-service"}}));
    CHECK(b.text() == "call echo-service ");
    b.insert("e");
    CHECK(b.complete({18, {"echo", "echo_twice"}}));
    CHECK(b.text() == "call echo-service echo");
    CHECK_FALSE(b.complete({18, {"echo", "echo_twice"}}));  // nothing more in common
    b.kill_word();
    CHECK(b.text() == "call echo-service ");
    b.home();
    b.del();
    CHECK(b.text() == "all echo-service ");
    b.right();
    b.kill_to_end();
    CHECK(b.text() == "a");
    b.end();
    b.insert("bc");
    b.left();
    b.kill_to_start();
    CHECK(b.text() == "c");
    CHECK(b.cursor() == 0);
}

TEST_CASE("repl: history skips blanks and repeats and keeps its file") {
    std::string path = "/tmp/aegis-repl-history-test-" + std::to_string(::getpid());
    std::remove(path.c_str());
    {
        output::History h(3);
        h.attach(path);
        for (auto l : {"services", "", "services", "call a b", "instances a", "help"}) h.add(l);
        CHECK(h.entries() == std::vector<std::string>{"call a b", "instances a", "help"});
    }
    output::History again(10);
    again.attach(path);
    CHECK(again.entries() ==
          std::vector<std::string>{"services", "call a b", "instances a", "help"});
    std::remove(path.c_str());
}

TEST_CASE("repl: the history file stays bounded however long the sessions") {
    std::string path = "/tmp/aegis-repl-history-cap-" + std::to_string(::getpid());
    std::remove(path.c_str());
    auto file_lines = [&] {
        std::vector<std::string> out;
        std::ifstream in(path);
        for (std::string l; std::getline(in, l);) out.push_back(l);
        return out;
    };
    for (int session = 0; session < 3; ++session) {
        output::History h(5);
        h.attach(path);
        for (int i = 0; i < 100; ++i) h.add("call s m n=" + std::to_string(session * 100 + i));
        CHECK(file_lines().size() <= 10);
        CHECK(file_lines().back() == "call s m n=" + std::to_string(session * 100 + 99));
    }
    output::History again(5);
    again.attach(path);
    CHECK(again.entries().size() == 5);
    CHECK(again.entries().back() == "call s m n=299");
    CHECK(file_lines().size() <= 5);  // attaching trims the file too
    std::remove(path.c_str());
}

TEST_CASE("repl: keys decode from terminal bytes") {
    using output::KeyCode;
    std::string bytes = "a\x1b[A\x1b[3~\t\x7f\x01\r\xc3\xa9\x1b[1;5C";
    std::vector<KeyCode> codes;
    for (int i = 0; i < 20 && !bytes.empty(); ++i) codes.push_back(output::decode_key(bytes).code);
    CHECK(codes == std::vector<KeyCode>{KeyCode::character, KeyCode::up, KeyCode::del,
                                        KeyCode::tab, KeyCode::backspace, KeyCode::ctrl,
                                        KeyCode::enter, KeyCode::character, KeyCode::right});
    std::string partial = "\x1b[";
    CHECK(output::decode_key(partial).code == KeyCode::none);
    CHECK(partial == "\x1b[");  // kept until the rest arrives
    std::string ctrl_c = "\x03";
    auto k = output::decode_key(ctrl_c);
    CHECK(k.code == KeyCode::ctrl);
    CHECK(k.ctrl == 'c');
}

TEST_CASE("repl: clear is a verb of its own, offered by Tab and listed in help") {
    CHECK(parse_repl_line("clear").verb == ReplVerb::clear);
    CHECK(parse_repl_line(":clear").verb == ReplVerb::clear);
    const auto& words = repl_command_words();
    CHECK(std::find(words.begin(), words.end(), "clear") != words.end());
    CHECK(repl_help().find("clear") != std::string::npos);
}
