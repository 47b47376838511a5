#include "core/output/resize.hpp"

#include <signal.h>

#include <atomic>
#include <cstring>

namespace aegis::output {

namespace {

std::atomic<bool> g_resized{false};

extern "C" void on_sigwinch(int) {
    g_resized.store(true);
}

static_assert(sizeof(struct sigaction) <= 256, "ResizeWatch::m_saved is too small");

}  // namespace

ResizeWatch::ResizeWatch() {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigwinch;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked poll() for keys wakes up
    struct sigaction old;
    sigaction(SIGWINCH, &sa, &old);
    std::memcpy(m_saved, &old, sizeof old);
}

ResizeWatch::~ResizeWatch() {
    struct sigaction old;
    std::memcpy(&old, m_saved, sizeof old);
    sigaction(SIGWINCH, &old, nullptr);
}

bool ResizeWatch::resized() {
    return g_resized.exchange(false);
}

}  // namespace aegis::output
