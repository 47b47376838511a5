#pragma once
// Every child spawn() starts leads a process group of its own, and what it starts in turn (a
// shell's background jobs) stays in that group, so stopping the group stops all of it. The
// groups are remembered here and, unless a child is a daemon meant to outlive us, also by a
// small guard process forked once: when aegis ends by any means — SIGKILL included, when no
// destructor runs — the guard sees its socket close and stops every group still listed.
#include <sys/types.h>

#include <chrono>

namespace aegis::util {

// The child `pid` (just forked) leads group `pid`. `guarded`: the guard stops it if we die.
void adopt_group(pid_t pid, bool guarded);
// Sends `sig` to the whole group when `pid` leads one of ours (and the pid still names that
// child: a reused pid is left alone), else to the process `pid` alone. False when nobody got it.
bool signal_group(pid_t pid, int sig);
// What is left of the group once its leader has exited: SIGTERM, up to `grace` for it to go,
// then SIGKILL; then the group is forgotten. A no-op for a pid that leads no group of ours.
void stop_group(pid_t pid, std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
// Processes of group `pgid` that still run (zombies not counted), from /proc.
int group_size(pid_t pgid);

}  // namespace aegis::util
