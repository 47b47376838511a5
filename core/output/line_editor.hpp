#pragma once
// A small line editor for the REPL (no readline on the machine): history with the arrow keys,
// Tab completion, Ctrl-A/E/U/K/W, Ctrl-C cancels the line, Ctrl-D on an empty line ends input.
// On a non-terminal input it reads plain lines.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/output/terminal.hpp"

namespace aegis::output {

struct Completion {
    size_t start = 0;  // the word being completed is line[start, cursor)
    std::vector<std::string> candidates;
};
using Completer = std::function<Completion(const std::string& line, size_t cursor)>;

// The editing state without any terminal: what the keys do (unit-tested).
class LineBuffer {
public:
    const std::string& text() const { return m_text; }
    size_t cursor() const { return m_cursor; }  // byte offset, always on a character start
    void set(std::string text);
    void insert(const std::string& s);
    void backspace();
    void del();
    void left();
    void right();
    void home() { m_cursor = 0; }
    void end() { m_cursor = m_text.size(); }
    void kill_to_start();
    void kill_to_end();
    void kill_word();
    // Applies a completion: one candidate replaces the word (plus a space); several insert
    // their common prefix. Returns true when the text changed.
    bool complete(const Completion& c);

private:
    std::string m_text;
    size_t m_cursor = 0;
};

class History {
public:
    explicit History(size_t max = 1000) : m_max(max) {}
    // Loads `path` (one entry per line) and appends new entries to it from now on. The file is
    // kept under 2 × max lines (trimmed to the newest max when it grows past that).
    void attach(const std::string& path);
    void add(const std::string& line);  // skips empty lines and repeats of the last entry
    const std::vector<std::string>& entries() const { return m_entries; }

private:
    void rewrite();  // the file := the entries kept
    size_t m_max;
    size_t m_file_lines = 0;
    std::string m_path;
    std::vector<std::string> m_entries;
};

class LineEditor {
public:
    LineEditor(int in_fd = 0, int out_fd = 1);
    bool interactive() const { return m_interactive; }
    void set_completer(Completer c) { m_completer = std::move(c); }
    History& history() { return m_history; }
    // One line. nullopt at the end of input (Ctrl-D on an empty line, EOF). Ctrl-C gives an
    // empty line and sets cancelled().
    std::optional<std::string> read_line(const std::string& prompt);
    bool cancelled() const { return m_cancelled; }

private:
    std::optional<std::string> read_plain();
    void refresh(const std::string& prompt, const LineBuffer& b);
    void show_candidates(const std::vector<std::string>& c);
    int m_in, m_out;
    bool m_interactive;
    bool m_cancelled = false;
    Completer m_completer;
    History m_history;
    // From the first line to the end of the session the terminal stays out of canonical mode,
    // Ctrl-C raising SIGINT (it interrupts a running call): keys typed while a call runs,
    // Ctrl-D included, wait as bytes for the next line instead of being eaten by the line
    // discipline or discarded by a mode switch.
    std::optional<RawMode> m_session;
};

}  // namespace aegis::output
