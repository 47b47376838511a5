// aegis monitor's full-screen view as a terminal shows it: the bytes it writes to a pseudo-
// terminal are played into a grid of the terminal's size (tests/support/screen.hpp), and the
// grid is checked: columns present, long names ellipsised, no line past the margin, rows using
// the space, a resize (SIGWINCH) laid out again, Ctrl-U clearing the filter prompt.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pty.hpp"
#include "tests/support/screen.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// Plays everything written since `from` into a rows x cols grid until `ok` holds (or 15 s).
bool wait_screen(test::Pty& pty, size_t from, size_t rows, size_t cols,
                 const std::function<bool(const test::Screen&)>& ok, test::Screen& out) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        pty.pump(200ms);
        test::Screen s(rows, cols);
        s.feed(std::string_view(pty.output()).substr(from));
        out = s;
        if (ok(s)) return true;
    }
    return false;
}

bool has(const test::Screen& s, const std::string& text) {
    return s.text().find(text) != std::string::npos;
}

size_t count(const test::Screen& s, const std::string& text) {
    size_t n = 0;
    for (size_t r = 0; r < s.rows(); ++r) n += s.line(r).find(text) != std::string::npos;
    return n;
}

// The rule a full screen must keep: rows are hidden only when no line is left blank.
void check_no_hidden_rows_beside_blanks(const test::Screen& s) {
    INFO(s.text());
    if (!has(s, "more rows")) return;
    for (size_t r = 0; r < s.rows(); ++r) CHECK(!s.line(r).empty());
}

const std::string k_long = "monitor-fit-a-service-with-a-long-name-";

}  // namespace

TEST_CASE("monitor: the full-screen view fits 80x24 and 160x45 and follows a resize") {
    test::NatsServer server;
    std::vector<std::unique_ptr<Service>> services;
    for (int i = 1; i <= 5; ++i)
        services.push_back(test::live_service(server, k_long + std::to_string(i),
                                              k_long + std::to_string(i) + "-i1"));
    test::Pty pty({"monitor", "--interval", "0.5", "--server", server.url()},
                  {{"LANG", "C.UTF-8"}}, 24, 80);
    test::Screen s(24, 80);
    // Every instance answered STATS (its endpoints show a rate) and all five joined.
    auto ready80 = [](const test::Screen& g) {
        return count(g, "healthy") >= 3 && count(g, "0.0") >= 6 && has(g, "5 services");
    };
    REQUIRE(wait_screen(pty, 0, 24, 80, ready80, s));
    INFO(s.text());
    SECTION("80x24: every column but the sparkline, names ellipsised, every line used") {
        std::string header = s.line(2);
        for (const char* col : {"ROLE", "STATE", "REQ/S", "ERR/S", "AVG MS", "HB AGE"})
            CHECK(header.find(col) != std::string::npos);
        CHECK(header.find("1 MIN") == std::string::npos);
        CHECK(s.line(0).find("sort: name") != std::string::npos);
        CHECK(count(s, "monitor-fi…") >= 3);   // service and instance names, cut in the middle
        CHECK_FALSE(has(s, k_long + "1"));     // the full name would not fit
        CHECK(s.wraps() == 0);                 // no line ran past the right margin
        CHECK(has(s, "more rows"));            // 5 x 4 rows cannot all fit in 24 lines ...
        check_no_hidden_rows_beside_blanks(s);  // ... so not one line is left blank
        CHECK(s.line(23).find("q quit") != std::string::npos);
    }
    SECTION("resized to 160x45: full names, the sparkline column, all rows, blanks below") {
        size_t from = pty.output().size();
        pty.resize(45, 160);
        auto ready160 = [](const test::Screen& g) {
            return has(g, "REQ/S 1 MIN") && count(g, "healthy") == 5;
        };
        REQUIRE(wait_screen(pty, from, 45, 160, ready160, s));
        INFO(s.text());
        for (int i = 1; i <= 5; ++i) CHECK(has(s, k_long + std::to_string(i) + "-i1"));
        CHECK_FALSE(has(s, "…"));
        CHECK_FALSE(has(s, "more rows"));
        CHECK(has(s, "HB AGE"));
        CHECK(s.wraps() == 0);
        CHECK(s.line(44).find("q quit") != std::string::npos);
    }
    SECTION("the / prompt: Ctrl-U clears what was typed, Esc leaves it") {
        size_t from = pty.output().size();
        pty.type("/abc");
        REQUIRE(wait_screen(pty, from, 24, 80,
                            [](const test::Screen& g) { return has(g, "filter: abc_"); }, s));
        from = pty.output().size();
        pty.type("\x15" "xy");  // Ctrl-U, then new text
        REQUIRE(wait_screen(pty, from, 24, 80,
                            [](const test::Screen& g) { return has(g, "filter: xy_"); }, s));
        CHECK_FALSE(has(s, "abcxy"));
        pty.type("\x1b");
        pty.pump(300ms);  // a lone ESC is told from an escape sequence by the pause after it
    }
    pty.type("q");
    CHECK(pty.wait_exit(15s) == 0);
}
