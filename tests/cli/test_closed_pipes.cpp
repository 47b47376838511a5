// Live commands whose output goes nowhere: `aegis events tail | head -1` and friends end promptly
// and quietly once the reader has gone (exit 0: the reader had what it wanted), and a stdout that
// cannot be written (a full disk) is an error, not a command that runs on unseen.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "core/client/event_publisher.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;

namespace {

void check_quiet_end(const test::HeadResult& r) {
    INFO("stdout before the close: " << r.first);
    INFO("stderr: " << r.err);
    REQUIRE(r.got_line);
    CHECK(r.exited);  // within 5 s of the close
    CHECK(r.exit_code == 0);
    CHECK_FALSE(contains(r.err, "error"));
}

}  // namespace

TEST_CASE("closed pipe: events tail | head -1 ends quietly, also when no event follows") {
    test::NatsServer server;
    std::atomic<bool> done{false};
    // Events until the first line is out; then none, so only the closed pipe can end the tail.
    std::thread publisher([&] {
        EventPublisher pub(server.connect("pub"));
        while (!done) {
            pub.publish("pipe", "tick", {{"n", 1}});
            std::this_thread::sleep_for(100ms);
        }
    });
    auto r = test::run_aegis_head1({"events", "tail", "pipe.*", "--server", server.url()});
    done = true;
    publisher.join();
    check_quiet_end(r);
}

TEST_CASE("closed pipe: explore --watch | head -1 and monitor | head -1 end quietly") {
    test::NatsServer server;
    SECTION("explore --watch: nothing changes after the first picture") {
        test::Background echo({"demo", "echo", "--server", server.url()});
        REQUIRE(echo.wait_for_output("echo-service", 20s));
        REQUIRE(test::eventually([&] {
            return contains(test::run_aegis({"explore", "--server", server.url()}).out,
                            "echo-service");
        }, 20s));
        check_quiet_end(test::run_aegis_head1({"explore", "--watch", "--server", server.url()}));
    }
    SECTION("monitor --json") {
        check_quiet_end(test::run_aegis_head1(
            {"monitor", "--json", "--interval", "0.2", "--server", server.url()}));
    }
    SECTION("monitor, one line per change") {
        test::Background echo({"demo", "echo", "--server", server.url()});
        check_quiet_end(test::run_aegis_head1({"monitor", "--server", server.url()}));
    }
}

TEST_CASE("closed pipe: a stdout that cannot be written is an I/O error (74), at once") {
    test::NatsServer server;
    auto r = test::run_program({"sh", "-c", "exec \"$0\" \"$@\" > /dev/full", test::aegis_binary(),
                                "monitor", "--json", "--interval", "0.2", "--server",
                                server.url()},
                               {}, {}, 20s);
    INFO(r.err);
    CHECK(r.exit_code == 74);
    // Under --json the error is a JSON object on stderr.
    CHECK(contains(r.err, "cannot write to standard output: No space left on device"));
    CHECK(contains(r.err, "\"code\":74"));
    CHECK(r.took < 10s);
}
