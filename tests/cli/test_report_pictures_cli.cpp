// The pictures under the numbers of `aegis load` and `aegis failover` (issue: reports people
// look at): a latency histogram and per-second sparklines, one timeline line per failover trial;
// ASCII in a non-UTF-8 locale, no colour with NO_COLOR, nothing of them with --json.
#include <catch2/catch.hpp>

#include <string>

#include "core/output/style.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

bool plain_ascii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

bool shows(const std::string& s, const std::string& what) {
    return s.find(what) != std::string::npos;
}

}  // namespace

TEST_CASE("load: a latency histogram and per-second sparklines under the numbers") {
    test::NatsServer server;
    auto svc = test::live_service(server, "pictures-load", "pictures-load-1");
    std::vector<std::string> args{"load", "pictures-load", "echo", "--rate", "300", "--duration",
                                  "3", "--server", server.url()};
    auto uni = test::run_aegis(args, {{"LANG", "C.UTF-8"}, {"LC_ALL", ""}, {"NO_COLOR", "1"}},
                               {}, 60s);
    INFO(uni.out << uni.err);
    REQUIRE(uni.exit_code == 0);
    CHECK(shows(uni.out, "latency (ms, log-scaled)"));
    CHECK(shows(uni.out, "█"));
    CHECK(shows(uni.out, "per second (3 s"));
    CHECK(shows(uni.out, "throughput "));
    CHECK_FALSE(shows(uni.out, "\033["));  // NO_COLOR
    auto plain = test::run_aegis(args, {{"LANG", "C"}, {"LC_ALL", ""}}, {}, 60s);
    REQUIRE(plain.exit_code == 0);
    auto pictures = plain.out.substr(plain.out.find("latency (ms"));
    INFO(pictures);
    CHECK(plain_ascii(pictures));
    CHECK(shows(pictures, "#"));
    args.push_back("--json");
    auto json = test::run_aegis(args, {}, {}, 60s);
    REQUIRE(json.exit_code == 0);
    auto doc = Json::parse(json.out);  // one document, nothing drawn after it
    CHECK(doc["histogram"].is_array());
    CHECK_FALSE(shows(json.out, "log-scaled"));
}

TEST_CASE("failover: one timeline line per trial, kill to first success") {
    test::NatsServer server;
    auto r = test::run_aegis({"failover", "pictures-fo", "--spawn", "3", "--trials", "2", "--policy",
                              "aggressive", "--duration", "2", "--kill-after", "0.7", "--server",
                              server.url()},
                             {{"LANG", "C.UTF-8"}, {"LC_ALL", ""}}, {}, 120s);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto at = r.out.find("timeline (K kill, D detected, E elected, S first success");
    REQUIRE(at != std::string::npos);
    for (const char* trial : {"\ntrial 1 ", "\ntrial 2 "}) {
        auto from = r.out.find(trial, at);
        REQUIRE(from != std::string::npos);
        auto line = r.out.substr(from + 1, r.out.find('\n', from + 1) - from - 1);
        INFO(line);
        CHECK(line.find('K') < line.find('S'));
        CHECK(shows(line, "─"));
        CHECK(output::display_width(line) <= 80);  // a pipe: drawn 80 columns wide
    }
}
