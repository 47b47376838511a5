#include "core/output/line_editor.hpp"
#include <optional>
#include <chrono>
#include <vector>
#include <string>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "core/output/style.hpp"
#include "core/output/terminal.hpp"

namespace aegis::output {

namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string common_prefix(const std::vector<std::string>& v) {
    if (v.empty()) return {};
    std::string p = v[0];
    for (const auto& s : v) {
        size_t i = 0;
        while (i < p.size() && i < s.size() && p[i] == s[i]) ++i;
        p.resize(i);
    }
    return p;
}

}  // namespace

void LineBuffer::set(std::string text) {
    m_text = std::move(text);
    m_cursor = m_text.size();
}

void LineBuffer::insert(const std::string& s) {
    m_text.insert(m_cursor, s);
    m_cursor += s.size();
}

void LineBuffer::left() {
    while (m_cursor > 0) {
        --m_cursor;
        if (!continuation(m_text[m_cursor])) break;
    }
}

void LineBuffer::right() {
    if (m_cursor >= m_text.size()) return;
    ++m_cursor;
    while (m_cursor < m_text.size() && continuation(m_text[m_cursor])) ++m_cursor;
}

void LineBuffer::backspace() {
    size_t end = m_cursor;
    left();
    m_text.erase(m_cursor, end - m_cursor);
}

void LineBuffer::del() {
    size_t start = m_cursor;
    right();
    m_text.erase(start, m_cursor - start);
    m_cursor = start;
}

void LineBuffer::kill_to_start() {
    m_text.erase(0, m_cursor);
    m_cursor = 0;
}

void LineBuffer::kill_to_end() { m_text.erase(m_cursor); }

void LineBuffer::kill_word() {
    size_t end = m_cursor;
    while (m_cursor > 0 && m_text[m_cursor - 1] == ' ') --m_cursor;
    while (m_cursor > 0 && m_text[m_cursor - 1] != ' ') --m_cursor;
    m_text.erase(m_cursor, end - m_cursor);
}

bool LineBuffer::complete(const Completion& c) {
    if (c.candidates.empty() || c.start > m_cursor) return false;
    std::string word = m_text.substr(c.start, m_cursor - c.start);
    std::string with = c.candidates.size() == 1 ? c.candidates[0] + " "
                                                : common_prefix(c.candidates);
    if (with.size() <= word.size() || with.compare(0, word.size(), word) != 0) return false;
    m_text.replace(c.start, m_cursor - c.start, with);
    m_cursor = c.start + with.size();
    return true;
}

void History::attach(const std::string& path) {
    m_path = path;
    std::ifstream in(path);
    std::string line;
    size_t lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        if (line.empty()) continue;
        m_entries.push_back(line);
        // Only the newest m_max are kept: a long file costs no memory beyond them.
        if (m_entries.size() > 2 * m_max)
            m_entries.erase(m_entries.begin(), m_entries.end() - static_cast<long>(m_max));
    }
    if (m_entries.size() > m_max)
        m_entries.erase(m_entries.begin(), m_entries.end() - static_cast<long>(m_max));
    m_file_lines = lines;
    if (lines > m_max) rewrite();
}

void History::add(const std::string& line) {
    if (line.empty() || line.find('\n') != std::string::npos) return;
    if (!m_entries.empty() && m_entries.back() == line) return;
    m_entries.push_back(line);
    if (m_entries.size() > m_max) m_entries.erase(m_entries.begin());
    if (m_path.empty()) return;
    // Appending is cheap; once the file holds twice the cap it is rewritten with the newest
    // entries, so it never grows past 2 × max lines however long the sessions.
    if (++m_file_lines > 2 * m_max) {
        rewrite();
        return;
    }
    std::ofstream out(m_path, std::ios::app);
    out << line << '\n';  // best effort: a read-only state dir only loses history
}

void History::rewrite() {
    std::string tmp = m_path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        for (const auto& e : m_entries) out << e << '\n';
        if (!out) return;  // best effort, as above
    }
    if (std::rename(tmp.c_str(), m_path.c_str()) == 0) m_file_lines = m_entries.size();
}

LineEditor::LineEditor(int in_fd, int out_fd)
    : m_in(in_fd), m_out(out_fd), m_interactive(isatty(in_fd) == 1 && isatty(out_fd) == 1) {}

std::optional<std::string> LineEditor::read_plain() {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

void LineEditor::refresh(const std::string& prompt, const LineBuffer& b) {
    // One line, scrolled horizontally so the cursor stays visible.
    size_t cols = static_cast<size_t>(std::max(20, terminal_width(m_out)));
    size_t pw = display_width(prompt);
    size_t room = cols > pw + 1 ? cols - pw - 1 : 1;
    const std::string& t = b.text();
    size_t cur = display_width(t.substr(0, b.cursor()));
    size_t skip = cur > room ? cur - room : 0;
    // Drop `skip` characters from the front.
    size_t from = 0;
    for (size_t n = 0; n < skip && from < t.size(); ++n) {
        ++from;
        while (from < t.size() && continuation(t[from])) ++from;
    }
    std::string shown = t.substr(from);
    size_t upto = 0, w = 0;
    while (upto < shown.size() && w < room) {
        ++upto;
        while (upto < shown.size() && continuation(shown[upto])) ++upto;
        ++w;
    }
    shown.resize(upto);
    std::string out = "\r" + prompt + shown + "\033[K\r";
    size_t col = pw + (cur - skip);
    if (col > 0) out += "\033[" + std::to_string(col) + "C";
    write_all(m_out, out);
}

void LineEditor::show_candidates(const std::vector<std::string>& c) {
    std::string out = "\r\n";
    size_t shown = 0;
    for (const auto& s : c) {
        if (shown++ == 60) {
            out += "... (" + std::to_string(c.size() - 60) + " more)";
            break;
        }
        out += s + "  ";
    }
    write_all(m_out, out + "\r\n");
}

namespace {

// The keys that only edit the buffer; false for the ones the editor itself handles.
bool edit(LineBuffer& b, const Key& k) {
    switch (k.code) {
    case KeyCode::character: b.insert(k.text); return true;
    case KeyCode::backspace: b.backspace(); return true;
    case KeyCode::del: b.del(); return true;
    case KeyCode::left: b.left(); return true;
    case KeyCode::right: b.right(); return true;
    case KeyCode::home: b.home(); return true;
    case KeyCode::end: b.end(); return true;
    case KeyCode::ctrl: break;
    default: return false;
    }
    switch (k.ctrl) {
    case 'a': b.home(); return true;
    case 'e': b.end(); return true;
    case 'b': b.left(); return true;
    case 'f': b.right(); return true;
    case 'u': b.kill_to_start(); return true;
    case 'k': b.kill_to_end(); return true;
    case 'w': b.kill_word(); return true;
    default: return false;
    }
}

// Up / Down through the history, keeping the line being typed as the newest entry.
struct HistoryWalk {
    const std::vector<std::string>& entries;
    size_t pos;
    std::string draft;
    void up(LineBuffer& b) {
        if (pos == 0) return;
        if (pos == entries.size()) draft = b.text();
        b.set(entries[--pos]);
    }
    void down(LineBuffer& b) {
        if (pos >= entries.size()) return;
        ++pos;
        b.set(pos == entries.size() ? draft : entries[pos]);
    }
};

}  // namespace

std::optional<std::string> LineEditor::read_line(const std::string& prompt) {
    m_cancelled = false;
    if (!m_interactive) return read_plain();
    if (!m_session) m_session.emplace(m_in, /*keep_signals=*/true);
    // Ctrl-C arrives as a key while a line is edited: it cancels the line.
    RawMode raw(m_in, /*keep_signals=*/false, RawMode::Leave::keep);
    LineBuffer b;
    HistoryWalk walk{m_history.entries(), m_history.entries().size(), {}};
    bool last_tab = false;
    refresh(prompt, b);
    for (;;) {
        Key k = read_key(m_in, std::chrono::milliseconds(-1));
        bool ctrl_d = k.code == KeyCode::ctrl && k.ctrl == 'd';
        if (k.code == KeyCode::eof || (ctrl_d && b.text().empty())) {
            write_all(m_out, "\r\n");
            return std::nullopt;
        }
        if (k.code == KeyCode::enter) {
            write_all(m_out, "\r\n");
            return b.text();
        }
        if (k.code == KeyCode::ctrl && k.ctrl == 'c') {
            write_all(m_out, "^C\r\n");
            m_cancelled = true;
            return std::string();
        }
        if (!edit(b, k)) {
            if (k.code == KeyCode::up) walk.up(b);
            else if (k.code == KeyCode::down) walk.down(b);
            else if (ctrl_d) b.del();
            else if (k.code == KeyCode::ctrl && k.ctrl == 'l') write_all(m_out, "\033[H\033[2J");
            else if (k.code == KeyCode::tab && m_completer) {
                Completion c = m_completer(b.text(), b.cursor());
                // Like a shell: the second Tab without progress lists the candidates.
                if (!b.complete(c) && last_tab && c.candidates.size() > 1)
                    show_candidates(c.candidates);
            }
        }
        last_tab = k.code == KeyCode::tab;
        refresh(prompt, b);
    }
}

}  // namespace aegis::output
