#include "core/util/child_groups.hpp"
#include <chrono>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/util/process.hpp"

namespace aegis::util {

namespace {

// One message to the guard: a group to stop if we die (add), or one that is gone (remove).
struct GuardMessage {
    int32_t op;  // 1 add, 2 remove
    int32_t pgid;
    uint64_t start;  // the leader's start time: a pid reused by someone else is not ours
};

// ---- The guard process: forked without exec, so only async-signal-safe calls from here on.

constexpr int k_guard_capacity = 4096;
GuardMessage g_guarded[k_guard_capacity];  // the guard's own copy after fork

char* decimal(char* end, unsigned long v) {
    *--end = '\0';
    do *--end = static_cast<char>('0' + v % 10); while (v /= 10);
    return end;
}

// Field `want` (numbered as in proc(5)) of /proc/PID/stat (`pid` 0: self), 0 when unknown.
uint64_t guard_stat_field(int32_t pid, int want) {
    char path[48] = "/proc/";
    size_t at = 6;
    char num[24];
    const char* n = pid > 0 ? decimal(num + sizeof num, static_cast<unsigned long>(pid)) : "self";
    while (*n) path[at++] = *n++;
    const char* tail = "/stat";
    while (*tail) path[at++] = *tail++;
    path[at] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[1024];
    ssize_t len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0) return 0;
    ssize_t i = len - 1;
    while (i >= 0 && buf[i] != ')') --i;  // the command name may hold spaces and ')'
    int field = 2;
    uint64_t value = 0;
    for (++i; i < len; ++i) {
        if (buf[i] == ' ' || buf[i] == '\n') {
            if (field == want) return value;
            ++field;
            value = 0;
        } else if (field == want && buf[i] >= '0' && buf[i] <= '9') {
            value = value * 10 + static_cast<uint64_t>(buf[i] - '0');
        }
    }
    return field == want ? value : 0;
}

// Start time of `pid` (field 22), 0 when there is no such process.
uint64_t guard_start_time(int32_t pid) { return pid > 0 ? guard_stat_field(pid, 22) : 0; }

// The guard is a copy of us, command line included, which may hold a password (--server URL):
// its /proc/PID/cmdline becomes "aegis-guard" by overwriting its own copy of the arguments.
void guard_rename() {
    prctl(PR_SET_NAME, "aegis-guard");
    auto* start = reinterpret_cast<char*>(guard_stat_field(0, 48));  // arg_start
    auto* end = reinterpret_cast<char*>(guard_stat_field(0, 49));    // arg_end
    if (!start || end <= start) return;
    const char name[] = "aegis-guard";
    for (char* p = start; p < end; ++p) {
        size_t i = static_cast<size_t>(p - start);
        *p = i < sizeof name ? name[i] : '\0';
    }
}

void guard_sleep_ms(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

// Our parent is gone: SIGTERM every group still listed (unless its leader's pid now names
// another process), up to 3 s for them to go, then SIGKILL.
void guard_stop_all(int count) {
    for (int i = 0; i < count; ++i) {
        uint64_t now = guard_start_time(g_guarded[i].pgid);
        if (now != 0 && now != g_guarded[i].start) g_guarded[i].pgid = 0;
        if (g_guarded[i].pgid > 0) kill(-g_guarded[i].pgid, SIGTERM);
    }
    for (int round = 0; round < 60; ++round) {
        bool any = false;
        for (int i = 0; i < count; ++i)
            if (g_guarded[i].pgid > 0 && kill(-g_guarded[i].pgid, 0) == 0) any = true;
        if (!any) return;
        guard_sleep_ms(50);
    }
    for (int i = 0; i < count; ++i)
        if (g_guarded[i].pgid > 0) kill(-g_guarded[i].pgid, SIGKILL);
}

[[noreturn]] void guard_main(int sock) {
    guard_rename();
    // Ctrl-C, a hang-up or a SIGTERM to our whole process group must not end the guard before
    // it has done its work; it ends by itself as soon as its parent is gone.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU})
        sigaction(sig, &ignore, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    // Hold nothing of the parent's: not its sockets, not its stdout (a reader waiting for EOF).
    if (sock != 3) {
        dup2(sock, 3);
        sock = 3;
    }
    syscall(SYS_close_range, 4U, ~0U, 0U);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2 && null >= 0; ++fd) dup2(null, fd);
    if (null > 3) close(null);
    int count = 0;
    for (;;) {
        GuardMessage m{};
        ssize_t r = recv(sock, &m, sizeof m, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;  // the parent's end closed: it exited, however it died
        if (r != sizeof m) continue;
        if (m.op == 1 && count < k_guard_capacity) g_guarded[count++] = m;
        if (m.op == 2)
            for (int i = 0; i < count; ++i)
                if (g_guarded[i].pgid == m.pgid) g_guarded[i--] = g_guarded[--count];
    }
    guard_stop_all(count);
    _exit(0);
}

// ---- The parent's side.

struct Group {
    unsigned long long start = 0;
    bool guarded = false;
};

std::mutex g_mutex;
std::map<pid_t, Group> g_groups;
int g_guard_fd = -1;
bool g_guard_tried = false;
pid_t g_guard_owner = 0;  // a forked copy of us (not exec'd) needs a guard of its own

// Under g_mutex. A failed fork leaves us without a guard: groups are still stopped by
// terminate(), only a SIGKILL of aegis would leave them.
void start_guard() {
    g_guard_tried = true;
    g_guard_owner = getpid();
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        guard_main(sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return;
    }
    g_guard_fd = sv[0];
}

void tell_guard(int32_t op, pid_t pgid, unsigned long long start) {
    if (g_guard_tried && g_guard_owner != getpid()) {
        if (g_guard_fd >= 0) close(g_guard_fd);  // our parent's guard: not ours to feed
        g_guard_fd = -1;
        g_guard_tried = false;
    }
    if (!g_guard_tried) start_guard();
    if (g_guard_fd < 0) return;
    GuardMessage m{op, static_cast<int32_t>(pgid), start};
    while (send(g_guard_fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
}

void forget(pid_t pid) {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_groups.find(pid);
    if (it == g_groups.end()) return;
    if (it->second.guarded) tell_guard(2, pid, it->second.start);
    g_groups.erase(it);
}

}  // namespace

void adopt_group(pid_t pid, bool guarded) {
    setpgid(pid, pid);  // the child does the same: whichever runs first, the group exists
    unsigned long long start = process_start_time(pid);
    std::lock_guard<std::mutex> lock(g_mutex);
    g_groups[pid] = Group{start, guarded};
    if (guarded) tell_guard(1, pid, start);
}

bool signal_group(pid_t pid, int sig) {
    if (pid <= 0) return false;
    unsigned long long start = 0;
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        auto it = g_groups.find(pid);
        if (it == g_groups.end()) return ::kill(pid, sig) == 0;
        start = it->second.start;
    }
    unsigned long long now = process_start_time(pid);
    if (now != 0 && start != 0 && now != start) {  // our leader is long gone; this is another
        forget(pid);
        return false;
    }
    return ::kill(-pid, sig) == 0;
}

void stop_group(pid_t pid, std::chrono::milliseconds grace) {
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        if (g_groups.count(pid) == 0) return;
    }
    if (signal_group(pid, SIGTERM)) {
        auto deadline = std::chrono::steady_clock::now() + grace;
        // Exited members wait, as zombies, for their parent (init, for orphans) to reap them:
        // only members that still run count. Our own leader we reap as we go.
        while (waitpid(pid, nullptr, WNOHANG), ::kill(-pid, 0) == 0 && group_size(pid) > 0) {
            if (std::chrono::steady_clock::now() >= deadline) {
                ::kill(-pid, SIGKILL);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    forget(pid);
}

int group_size(pid_t pgid) {
    int n = 0;
    DIR* proc = opendir("/proc");
    if (!proc) return 0;
    while (dirent* e = readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0' || getpgid(static_cast<pid_t>(pid)) != pgid) continue;
        // The state is the first field after the command name: 'Z' runs nothing any more.
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto close = stat.rfind(')');
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z')
            continue;
        ++n;
    }
    closedir(proc);
    return n;
}

}  // namespace aegis::util
