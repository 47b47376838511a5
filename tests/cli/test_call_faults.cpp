// aegis call under faults: --count survives a dead server with its summary, an oversized reply
// comes back as an error envelope (not a timeout), and -i refuses a closed stdin.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <thread>

#include "core/service/service.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::run_aegis;

TEST_CASE("call --count goes on when the server dies and prints its summary") {
    test::NatsServer server;
    test::Background echo({"demo", "echo", "--server", server.url()});
    REQUIRE(echo.wait_for_output("started"));
    test::ProcessResult r;
    std::thread caller([&] {
        r = run_aegis({"call", "echo-service", "delay_echo", "delay=0.05", "--count", "40",
                       "--timeout", "0.5", "--server", server.url()},
                      {}, {}, 60s);
    });
    std::this_thread::sleep_for(1s);
    server.kill_now();
    caller.join();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "40 calls: "));  // the summary, every call counted
    CHECK(contains(r.out, "#40 "));
    CHECK_FALSE(contains(r.out, "40 calls: 40 ok"));
}

TEST_CASE("a reply bigger than the server's max_payload is an error envelope, not a timeout") {
    test::TempDir dir;
    std::string conf = dir.path() + "/small.conf";
    std::ofstream(conf) << "max_payload: 4096\n";
    test::NatsServer server({true, {"-c", conf}});
    ServiceOptions o;
    o.name = "big-reply";
    o.instance_id = "big-reply-1";
    Service svc(server.connect("big-reply-1"), o);
    svc.rpc("big", [](const Json&) { return Json{{"blob", std::string(10000, 'x')}}; });
    svc.rpc("small", [](const Json&) { return Json{{"ok", true}}; });
    svc.start();
    auto r = run_aegis({"call", "big-reply", "big", "--timeout", "3", "--server", server.url()});
    INFO(r.err);
    CHECK(r.exit_code == 1);  // the service answered: with an error
    CHECK(contains(r.err, "too large"));
    CHECK(contains(r.err, "4096"));
    CHECK(r.took < 3s);
    CHECK(run_aegis({"call", "big-reply", "small", "--server", server.url()}).exit_code == 0);
}

TEST_CASE("call -i refuses a closed stdin with one line (exit 2)") {
    test::NatsServer server;
    auto r = test::run_program({"sh", "-c", "exec \"$0\" call -i --server \"$1\" <&-",
                                test::aegis_binary(), server.url()},
                               {}, {}, 20s);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "stdin"));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.took < 5s);
    auto null = test::run_program({"sh", "-c", "exec \"$0\" call -i --server \"$1\" </dev/null",
                                   test::aegis_binary(), server.url()});
    CHECK(null.exit_code == 2);
    CHECK(contains(null.err, "stdin"));
}
