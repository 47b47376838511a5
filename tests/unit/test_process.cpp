// util::alive / util::wait_exit on processes that are not our children: a process that has
// exited but waits for its parent to reap it (a zombie) runs nothing, and counts as gone —
// `aegis down` waits for servers whose parent (init, after `aegis up` exited) reaps late.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
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
