#pragma once
// Raw terminal input (keys, arrows, control characters) and the full-screen alternate buffer,
// for the REPL's line editor and `aegis monitor`. No curses: plain termios and ANSI sequences.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace aegis::output {

// Puts a terminal into raw mode (no echo, no line buffering) and restores it on destruction.
// With `keep_signals`, Ctrl-C still raises SIGINT; without, it arrives as a key. Keys typed
// ahead are never discarded on the way in; on the way out they are with `Leave::flush` (keys
// pressed in a full-screen view do not spill into the shell) and kept with `Leave::keep` (a
// nested mode handing the terminal back to an outer one).
class RawMode {
public:
    enum class Leave { flush, keep };
    explicit RawMode(int fd = 0, bool keep_signals = true, Leave leave = Leave::flush);
    ~RawMode();
    RawMode(const RawMode&) = delete;
    RawMode& operator=(const RawMode&) = delete;
    bool active() const { return m_active; }
    void restore();

private:
    int m_fd;
    Leave m_leave;
    bool m_active = false;
    unsigned char m_saved[128];  // struct termios, kept opaque to avoid <termios.h> here
};

enum class KeyCode {
    none,  // nothing within the timeout, or interrupted by a signal
    eof,   // the input was closed
    character,
    enter,
    tab,
    backspace,
    del,
    left,
    right,
    up,
    down,
    home,
    end,
    escape,
    ctrl,  // another control character: see Key::ctrl ('a' for Ctrl-A ...)
};

struct Key {
    KeyCode code = KeyCode::none;
    std::string text;  // the UTF-8 character for KeyCode::character
    char ctrl = 0;     // 'a'..'z' for KeyCode::ctrl
};

// Reads one key, waiting up to `timeout` (negative: forever). Escape sequences for arrows,
// Home/End and Delete are decoded; a lone ESC is KeyCode::escape.
Key read_key(int fd, std::chrono::milliseconds timeout);

// Decodes keys from bytes already read (what read_key uses; exposed for tests).
// Consumes the bytes of one key from the front of `bytes`; none when they are incomplete.
Key decode_key(std::string& bytes);

// The alternate screen with a hidden cursor, restored on destruction (also after an error).
class AltScreen {
public:
    explicit AltScreen(int fd = 1);
    ~AltScreen();
    AltScreen(const AltScreen&) = delete;
    AltScreen& operator=(const AltScreen&) = delete;

private:
    int m_fd;
};

// One frame of a live view (explore --watch, monitor): cursor home, each line cleared to its end,
// the rest of the screen cleared; no flicker. Lines are joined with CR LF, which moves to the
// next line both in raw mode and in cooked mode.
std::string repaint(const std::vector<std::string>& lines);
// The same for text whose lines end with '\n'.
std::string repaint(std::string_view text);

int terminal_height(int fd, int fallback = 24);
// Writes everything (retrying short writes); false when the fd is gone.
bool write_all(int fd, const std::string& data);

}  // namespace aegis::output
