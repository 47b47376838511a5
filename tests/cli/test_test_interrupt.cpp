// `aegis test` and Ctrl-C at a terminal: the first stops the steps, the run then removes what it
// created; a second Ctrl-C during that cleanup does not cut it short. Afterwards nothing of the
// run is left — or what is left is printed.
#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/nats/connection.hpp"
#include "core/nats/js_admin.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/util/error.hpp"
#include "core/util/process.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/pty.hpp"

using namespace std::chrono_literals;
using aegis::test::contains;
namespace fs = std::filesystem;

namespace {

// Processes whose command line carries `id` (the run's instances do).
std::vector<pid_t> processes_with(const std::string& id) {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string name = e.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = aegis::test::read_file(e.path().string() + "/cmdline");
        if (contains(cmd, id)) out.push_back(std::stoi(name));
    }
    return out;
}

// What the run left on the server: KV buckets, streams, consumers, registry keys naming it.
std::vector<std::string> server_leftovers(const std::shared_ptr<aegis::nats::Connection>& conn,
                                          const std::string& id) {
    std::vector<std::string> out;
    for (const auto& s : aegis::nats::stream_names(*conn)) {
        if (contains(s, id)) out.push_back(s);
        for (const auto& c : aegis::nats::consumer_names(*conn, s))
            if (contains(c, id)) out.push_back(c);
    }
    try {
        auto kv = aegis::nats::KeyValue::open(conn, "service_registry");
        for (const auto& k : kv.keys())
            if (contains(k, id)) out.push_back(k);
    } catch (const aegis::NotFoundError&) {
    }
    return out;
}

// A scenario whose cleanup takes seconds: one instance ignores SIGTERM (and the terminal's
// SIGINT), so stopping it waits out the runner's grace before SIGKILL. Its command line
// carries its instance id, and with it the run id.
const char* k_slow_cleanup = R"(name: slow-cleanup
description: a run whose cleanup takes seconds
steps:
  - spawn: {demo: echo, service: "slowcl-${run}", as: echo}
  - spawn:
      service: "stubborn-${run}"
      command: [sh, -c, "trap '' TERM INT; while :; do sleep 0.2; done", "${instance_id}"]
      ready: started
  - sleep: 60s
)";

}  // namespace

TEST_CASE("test: two Ctrl-C at a terminal leave nothing of the run behind, or print it") {
    aegis::test::NatsServer server;
    aegis::test::TempDir dir, tmp;
    std::string file = dir.path() + "/slow.yaml";
    std::ofstream(file) << k_slow_cleanup;
    aegis::test::Pty pty({"test", "-f", file, "--server", server.url()},
                         {{"NO_COLOR", "1"}, {"TMPDIR", tmp.path()}});
    REQUIRE(pty.expect("(run ", 20s));
    REQUIRE(pty.expect(")"));
    const auto& seen = pty.output();
    std::string run_id = seen.substr(seen.find("(run ") + 5, 6);
    REQUIRE(pty.expect("as 'spawned'", 30s));  // both spawned
    std::this_thread::sleep_for(500ms);          // the long sleep step has begun

    pty.type("\x03");  // Ctrl-C: to aegis and, as at a terminal, to its instances
    bool stopped = pty.expect("interrupted (Ctrl-C)", 20s);
    INFO(pty.output());
    REQUIRE(stopped);
    pty.type("\x03");  // again, while the stubborn instance is still being stopped
    int code = pty.wait_exit(60s);
    std::string out = pty.output();
    INFO(out);
    CHECK(code == 130);
    // The second Ctrl-C was heard and did not end the cleanup.
    CHECK(contains(out, "still cleaning up"));
    CHECK(contains(out, "remove what run " + run_id + " created"));

    // Every process, server resource and temp dir of the run is gone or named in the output.
    for (pid_t pid : processes_with(run_id)) {
        CHECK(contains(out, "(pid " + std::to_string(pid) + ")"));
        kill(pid, SIGKILL);  // the test's own cleanup
    }
    auto conn = server.connect("inspect");
    for (const auto& name : server_leftovers(conn, run_id)) CHECK(contains(out, name));
    for (const auto& e : fs::directory_iterator(tmp.path()))
        CHECK(contains(out, e.path().string()));
}
