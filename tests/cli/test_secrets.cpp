// Secrets stay secret: failover --spawn hands its children the server URL (credentials
// included) outside their command lines, and a garbled creds file is named as such (exit 78).
#include <catch2/catch.hpp>

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace std::chrono_literals;
using aegis::test::contains;
using aegis::test::run_aegis;

namespace {

// The command lines (arguments joined by spaces) of the live children of `parent`.
std::vector<std::string> child_cmdlines(pid_t parent) {
    std::vector<std::string> out;
    DIR* d = opendir("/proc");
    if (!d) return out;
    while (auto* e = readdir(d)) {
        std::string pid = e->d_name;
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = aegis::test::read_file("/proc/" + pid + "/stat");
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        int ppid = 0;
        char state = 0;
        if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
        if (ppid != parent) continue;
        std::string cmd = aegis::test::read_file("/proc/" + pid + "/cmdline");
        for (char& c : cmd)
            if (c == '\0') c = ' ';
        if (!cmd.empty()) out.push_back(cmd);
    }
    closedir(d);
    return out;
}

}  // namespace

TEST_CASE("failover --spawn keeps the server's password off its children's command lines") {
    const std::string password = "pw-Secret-9";
    aegis::test::NatsServer server({true, {"--user", "fo", "--pass", password}});
    std::string url = "nats://fo:" + password + "@127.0.0.1:" + std::to_string(server.port());
    aegis::test::Background fo({"failover", "fo-secret", "--spawn", "2", "--trials", "1",
                                "--duration", "2", "--kill-after", "0.7", "--policy",
                                "aggressive", "--server", url});
    std::set<std::string> seen;
    // aegis's guard of its child processes (core/util/child_groups) is a forked copy of it: for
    // a moment its command line is aegis's own, then "aegis-guard". Neither passes anything on.
    bool done = aegis::test::eventually(
        [&] {
            std::string own = aegis::test::read_file("/proc/" + std::to_string(fo.pid()) +
                                                     "/cmdline");
            for (char& c : own)
                if (c == '\0') c = ' ';
            for (auto& c : child_cmdlines(fo.pid()))
                if (c.rfind("aegis-guard", 0) != 0 && c != own) seen.insert(c);
            return contains(fo.output(), "split-brain");
        },
        40s, 20ms);
    INFO(fo.output());
    REQUIRE(done);
    fo.stop();
    CHECK(contains(fo.output(), "0 lost"));  // the children connected: the URL reached them
    REQUIRE_FALSE(seen.empty());
    for (const auto& c : seen) {
        INFO(c);
        CHECK(contains(c, "demo echo-single"));
        CHECK_FALSE(contains(c, password));
    }
    CHECK_FALSE(contains(fo.output(), password));
}

TEST_CASE("a garbled creds file is named with its problem (exit 78), not 'cannot connect'") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir;
    std::string creds = dir.path() + "/user.creds";
    std::ofstream(creds) << "this is not a creds file\n";
    auto r = run_aegis({"call", "echo-service", "echo", "--creds", creds, "--server",
                        server.url()});
    INFO(r.err);
    CHECK(r.exit_code == 78);
    CHECK(contains(r.err, creds));
    CHECK_FALSE(contains(r.err, "is nats-server running"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}
