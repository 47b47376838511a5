// Nothing aegis starts outlives it: a scenario's `spawn` command and what it starts in the
// background go when `aegis test` gets SIGTERM or even SIGKILL; SIGHUP stops `aegis failover
// --spawn` as SIGTERM does (instances stopped and deregistered); a bad service name is refused
// before anything is spawned.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/util/process.hpp"
#include "core/wire/names.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;
using test::contains;
using test::eventually;

namespace {

// Processes whose command line contains `text` (our own test process excluded).
std::vector<pid_t> processes_with(const std::string& text) {
    std::vector<pid_t> out;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        if (pid == getpid()) continue;
        std::string cmd = util::process_cmdline(pid);
        if (contains(cmd, text) && util::alive(pid)) out.push_back(pid);
    }
    return out;
}

pid_t read_pid(const std::string& path) {
    std::ifstream in(path);
    pid_t pid = 0;
    in >> pid;
    return pid;
}

}  // namespace

TEST_CASE("test: a spawn command's background job goes with aegis test (SIGTERM, SIGKILL)") {
    int sig = GENERATE(SIGTERM, SIGKILL);
    INFO("signal " << sig);
    test::NatsServer server;
    test::TempDir tmp;
    // Sleep lengths unique to this test, to find the processes again.
    std::string job = sig == SIGTERM ? "3111" : "3119";
    std::string main_sleep = sig == SIGTERM ? "3112" : "3118";
    std::string file = tmp.path() + "/orphans.yaml";
    std::ofstream(file) << "name: orphans\nsteps:\n  - spawn:\n      command: [sh, -c, \"sleep " + job +
                               " & echo $! > ${dir}/job.pid; exec sleep " + main_sleep +
                               "\"]\n      ready: started\n      as: shell\n  - sleep: 60s\n";
    test::Background run({"test", "-f", file, "--set", "dir=" + tmp.path(), "--server",
                          server.url()});
    std::string pid_file = tmp.path() + "/job.pid";
    REQUIRE(eventually([&] { return read_pid(pid_file) > 0; }, 20s));
    pid_t background_job = read_pid(pid_file);
    REQUIRE(eventually([&] { return !processes_with("sleep " + main_sleep).empty(); }, 10s));
    CHECK(util::alive(background_job));
    run.stop(sig, 20s);
    CHECK(eventually([&] { return !util::alive(background_job); }, 10s));
    CHECK(eventually([&] { return processes_with("sleep " + main_sleep).empty(); }, 10s));
    // Whatever the outcome, leave nothing behind.
    kill(background_job, SIGKILL);
    for (pid_t p : processes_with("sleep " + main_sleep)) kill(p, SIGKILL);
}

TEST_CASE("failover: SIGHUP stops --spawn's instances, deregistered, no leader left") {
    test::NatsServer server;
    const std::string service = "fo-hup";
    test::Background fo({"failover", service, "--spawn", "2", "--duration", "120", "--kill-after",
                         "100", "--server", server.url()});
    registry::ListOptions lo;
    lo.service = service;
    auto registered = [&] {
        try {
            auto reg = registry::Registry::open_existing(server.connect("check"));
            return reg ? reg->list(lo).size() : size_t(0);
        } catch (const std::exception&) {
            return size_t(0);
        }
    };
    REQUIRE(eventually([&] { return registered() == 2; }, 30s));
    auto instances = processes_with("--service " + service);
    REQUIRE(instances.size() == 2);
    int status = fo.stop(SIGHUP, 20s);
    CHECK(status != 128 + SIGHUP);  // not killed by it: it stopped as on SIGTERM
    CHECK(status != 128 + SIGKILL);  // and within the grace
    CHECK(eventually([&] { return processes_with("--service " + service).empty(); }, 10s));
    lo.include_stale = true;
    CHECK(registered() == 0);
    auto kv = nats::KeyValue::open(server.connect("kv"), wire::election_bucket(service));
    auto leader = kv.get(wire::leader_key(service, "default"));
    CHECK_FALSE(leader.has_value());
    for (pid_t p : instances) kill(p, SIGKILL);
}

TEST_CASE("failover: a bad service name is refused before anything is spawned (exit 2)") {
    test::NatsServer server;
    auto r = test::run_aegis({"failover", "x.*", "--spawn", "2", "--server", server.url()}, {}, {},
                             30s);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(contains(r.err, "aegis: error: service name 'x.*'"));
    CHECK(r.took < 5s);
    CHECK(processes_with("--service x.*").empty());
}
