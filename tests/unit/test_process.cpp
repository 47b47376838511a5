// util::alive / util::wait_exit on processes that are not our children: a process that has
// exited but waits for its parent to reap it (a zombie) runs nothing, and counts as gone —
// `aegis down` waits for servers whose parent (init, after `aegis up` exited) reaps late.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "core/util/process.hpp"

using namespace aegis;
using namespace std::chrono_literals;

TEST_CASE("process: a zombie of another parent is not alive, and wait_exit returns for it") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t parent = fork();
    REQUIRE(parent >= 0);
    if (parent == 0) {
        // The parent that never reaps: its child exits at once and stays a zombie.
        close(fds[0]);
        pid_t child = fork();
        if (child == 0) _exit(0);
        ssize_t n = write(fds[1], &child, sizeof child);
        (void)n;
        pause();
        _exit(0);
    }
    close(fds[1]);
    pid_t zombie = 0;
    REQUIRE(read(fds[0], &zombie, sizeof zombie) == static_cast<ssize_t>(sizeof zombie));
    close(fds[0]);
    // It exists (kill(pid, 0) succeeds) once it has exited: wait for that, then ask.
    for (int i = 0; i < 200 && kill(zombie, 0) == 0; ++i) {
        if (!util::alive(zombie)) break;
        std::this_thread::sleep_for(5ms);
    }
    CHECK(kill(zombie, 0) == 0);  // still in the process table, unreaped
    CHECK_FALSE(util::alive(zombie));
    CHECK(util::wait_exit(zombie, 1s).has_value());
    // A running process of another parent is alive; our own child is alive until it ends.
    CHECK(util::alive(parent));
    kill(parent, SIGKILL);
    CHECK(util::wait_exit(parent, 5s).has_value());
    CHECK_FALSE(util::alive(parent));
}

namespace {

pid_t pid_from(const std::string& path, std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) {
        FILE* f = std::fopen(path.c_str(), "r");
        int pid = 0;
        if (f && std::fscanf(f, "%d", &pid) == 1 && pid > 0) {
            std::fclose(f);
            return pid;
        }
        if (f) std::fclose(f);
        std::this_thread::sleep_for(10ms);
    }
    return 0;
}

bool gone_within(pid_t pid, std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (util::alive(pid) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(10ms);
    return !util::alive(pid);
}

// `sh -c 'sleep N & echo $! > FILE; wait'`: a child with a background job of its own.
util::SpawnOptions shell_with_job(const std::string& file, const char* seconds) {
    util::SpawnOptions so;
    so.argv = {"sh", "-c", std::string("sleep ") + seconds + " & echo $! > " + file + "; wait"};
    return so;
}

}  // namespace

TEST_CASE("process: a child leads its own group, and terminate() stops its background jobs too") {
    char dir[] = "/tmp/aegis-pg-XXXXXX";
    REQUIRE(mkdtemp(dir));
    std::string file = std::string(dir) + "/job.pid";
    pid_t shell = util::spawn(shell_with_job(file, "3131"));
    pid_t job = pid_from(file, 5s);
    REQUIRE(job > 0);
    CHECK(getpgid(shell) == shell);
    CHECK(getpgid(job) == shell);
    util::terminate(shell, 2s);
    CHECK(gone_within(job, 5s));
    kill(job, SIGKILL);
    std::remove(file.c_str());
    rmdir(dir);
}

TEST_CASE("process: a parent killed with SIGKILL leaves no child and no background job") {
    char dir[] = "/tmp/aegis-pg-XXXXXX";
    REQUIRE(mkdtemp(dir));
    std::string file = std::string(dir) + "/job.pid";
    // A process of our own that spawns the way aegis does, then dies without cleaning up.
    pid_t parent = fork();
    REQUIRE(parent >= 0);
    if (parent == 0) {
        util::spawn(shell_with_job(file, "3137"));
        pause();
        _exit(0);
    }
    pid_t job = pid_from(file, 5s);
    REQUIRE(job > 0);
    pid_t shell = getpgid(job);
    CHECK(shell != getpgrp());
    kill(parent, SIGKILL);
    util::wait_exit(parent, 5s);
    CHECK(gone_within(job, 10s));
    CHECK(gone_within(shell, 10s));
    kill(job, SIGKILL);
    std::remove(file.c_str());
    rmdir(dir);
}
