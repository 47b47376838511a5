#include "core/output/terminal.hpp"
#include <chrono>
#include <vector>
#include <string>

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace aegis::output {

static_assert(sizeof(termios) <= 128, "RawMode::m_saved is too small for struct termios");

RawMode::RawMode(int fd, bool keep_signals, Leave leave) : m_fd(fd), m_leave(leave) {
    termios t{};
    if (!isatty(fd) || tcgetattr(fd, &t) != 0) return;
    std::memcpy(m_saved, &t, sizeof t);
    t.c_iflag &= static_cast<tcflag_t>(~(ICRNL | IXON | BRKINT | INPCK | ISTRIP));
    t.c_lflag &= static_cast<tcflag_t>(~(ECHO | ICANON | IEXTEN));
    if (!keep_signals) t.c_lflag &= static_cast<tcflag_t>(~ISIG);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    m_active = tcsetattr(fd, TCSADRAIN, &t) == 0;
}

RawMode::~RawMode() { restore(); }

void RawMode::restore() {
    if (!m_active) return;
    termios t{};
    std::memcpy(&t, m_saved, sizeof t);
    tcsetattr(m_fd, m_leave == Leave::flush ? TCSAFLUSH : TCSADRAIN, &t);
    m_active = false;
}

namespace {

size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;  // a stray continuation byte: take it alone
}

Key simple(KeyCode c) { return Key{c, {}, 0}; }

// ESC [ ... or ESC O ...: returns the key and how many bytes it used (0: incomplete).
Key decode_escape(const std::string& b, size_t& used) {
    used = 0;
    if (b.size() < 2) return simple(KeyCode::none);
    if (b[1] != '[' && b[1] != 'O') {
        used = 1;
        return simple(KeyCode::escape);
    }
    size_t i = 2;
    while (i < b.size() && (std::isdigit(static_cast<unsigned char>(b[i])) || b[i] == ';')) ++i;
    if (i >= b.size()) return simple(KeyCode::none);
    used = i + 1;
    std::string params = b.substr(2, i - 2);
    switch (b[i]) {
    case 'A': return simple(KeyCode::up);
    case 'B': return simple(KeyCode::down);
    case 'C': return simple(KeyCode::right);
    case 'D': return simple(KeyCode::left);
    case 'H': return simple(KeyCode::home);
    case 'F': return simple(KeyCode::end);
    case '~':
        if (params == "3") return simple(KeyCode::del);
        if (params == "1" || params == "7") return simple(KeyCode::home);
        if (params == "4" || params == "8") return simple(KeyCode::end);
        return simple(KeyCode::none);
    default: return simple(KeyCode::none);  // an unknown sequence is swallowed
    }
}

}  // namespace

Key decode_key(std::string& bytes) {
    if (bytes.empty()) return simple(KeyCode::none);
    auto c = static_cast<unsigned char>(bytes[0]);
    size_t used = 1;
    Key k;
    if (c == 0x1b) {
        k = decode_escape(bytes, used);
        if (used == 0) return k;  // wait for the rest
    } else if (c == '\r' || c == '\n') {
        k = simple(KeyCode::enter);
    } else if (c == '\t') {
        k = simple(KeyCode::tab);
    } else if (c == 0x7f || c == 0x08) {
        k = simple(KeyCode::backspace);
    } else if (c < 0x20) {
        k = Key{KeyCode::ctrl, {}, static_cast<char>('a' + c - 1)};
    } else {
        used = utf8_length(c);
        if (bytes.size() < used) return simple(KeyCode::none);
        k = Key{KeyCode::character, bytes.substr(0, used), 0};
    }
    bytes.erase(0, used);
    return k;
}

Key read_key(int fd, std::chrono::milliseconds timeout) {
    // Bytes read but not yet decoded (a paste delivers many keys at once).
    static thread_local std::string pending;
    auto wait = [&](int ms) {
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, ms);
        return r > 0;
    };
    for (;;) {
        if (!pending.empty()) {
            std::string before = pending;
            Key k = decode_key(pending);
            if (k.code != KeyCode::none || pending != before) return k;
            // An incomplete sequence: a lone ESC stays alone if nothing follows within 30 ms.
            if (!wait(30)) {
                if (pending[0] == 0x1b) {
                    pending.erase(0, 1);
                    return simple(KeyCode::escape);
                }
                pending.clear();
                return simple(KeyCode::none);
            }
        } else if (!wait(static_cast<int>(timeout.count()))) {
            return simple(KeyCode::none);
        }
        char buf[256];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) return simple(KeyCode::eof);
        if (n < 0) return simple(errno == EINTR || errno == EAGAIN ? KeyCode::none : KeyCode::eof);
        pending.append(buf, static_cast<size_t>(n));
    }
}

AltScreen::AltScreen(int fd) : m_fd(fd) { write_all(fd, "\033[?1049h\033[?25l\033[H\033[2J"); }

AltScreen::~AltScreen() { write_all(m_fd, "\033[?25h\033[?1049l"); }

int terminal_height(int fd, int fallback) {
    struct winsize ws {};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
    if (const char* r = std::getenv("LINES")) {
        int n = std::atoi(r);
        if (n > 0) return n;
    }
    return fallback;
}

bool write_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

std::string repaint(const std::vector<std::string>& lines) {
    std::string screen = "\033[H";
    for (size_t i = 0; i < lines.size(); ++i)
        screen += lines[i] + "\033[K" + (i + 1 < lines.size() ? "\r\n" : "");
    return screen + "\033[J";
}

std::string repaint(std::string_view text) {
    std::vector<std::string> lines;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        lines.emplace_back(text.substr(pos, nl - pos));
        pos = nl + 1;
    }
    if (!text.empty() && text.back() == '\n') lines.emplace_back();
    return repaint(lines);
}

}  // namespace aegis::output
