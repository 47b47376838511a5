#pragma once
// SIGWINCH as a flag a full-screen view polls: the terminal changed size, lay the screen out
// again. The handler is installed without SA_RESTART, so a wait for a key (poll) returns at once.
namespace aegis::output {

class ResizeWatch {
public:
    ResizeWatch();   // installs the handler
    ~ResizeWatch();  // restores the previous one
    ResizeWatch(const ResizeWatch&) = delete;
    ResizeWatch& operator=(const ResizeWatch&) = delete;
    // True once after each SIGWINCH.
    bool resized();

private:
    unsigned char m_saved[256];  // struct sigaction, kept opaque to avoid <signal.h> here
};

}  // namespace aegis::output
