#pragma once
// What a terminal would show: a grid of rows x cols cells fed with the bytes a program wrote,
// interpreting what our full-screen views use (cursor position, erase in line / display, CR, LF,
// xterm's deferred wrap at the right margin) and ignoring colours and modes. Tests of
// full-screen views check this grid, not the byte stream.
#include <string>
#include <string_view>
#include <vector>

namespace aegis::test {

class Screen {
public:
    Screen(size_t rows, size_t cols) : m_rows(rows), m_cols(cols), m_cells(rows, blank()) {}

    void feed(std::string_view bytes) {
        for (size_t i = 0; i < bytes.size();) i = step(bytes, i);
    }
    // Row `r` with its trailing blanks removed.
    std::string line(size_t r) const {
        std::string out;
        for (const auto& c : m_cells.at(r)) out += c;
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out;
    }
    size_t rows() const { return m_rows; }
    std::string text() const {
        std::string out;
        for (size_t r = 0; r < m_rows; ++r) out += line(r) + "\n";
        return out;
    }
    // How many times text ran past the right margin onto the next row (a line too long).
    size_t wraps() const { return m_wraps; }

private:
    std::vector<std::string> blank() const { return std::vector<std::string>(m_cols, " "); }

    size_t step(std::string_view b, size_t i) {
        unsigned char c = static_cast<unsigned char>(b[i]);
        if (c == 0x1b) return escape(b, i);
        if (c == '\r') m_col = 0, m_pending_wrap = false;
        else if (c == '\n') line_feed();
        else if (c == '\b') m_col = m_col > 0 ? m_col - 1 : 0;
        else if (c >= 0x20) return put(b, i);
        return i + 1;
    }
    size_t put(std::string_view b, size_t i) {
        size_t n = 1;
        while (i + n < b.size() && (static_cast<unsigned char>(b[i + n]) & 0xC0) == 0x80) ++n;
        if (m_pending_wrap) {
            ++m_wraps;
            m_col = 0, m_pending_wrap = false;
            line_feed();
        }
        m_cells[m_row][m_col] = std::string(b.substr(i, n));
        if (m_col + 1 == m_cols) m_pending_wrap = true;
        else ++m_col;
        return i + n;
    }
    void line_feed() {
        m_pending_wrap = false;
        if (m_row + 1 < m_rows) return void(++m_row);
        m_cells.erase(m_cells.begin());
        m_cells.push_back(blank());
    }
    size_t escape(std::string_view b, size_t i) {
        if (i + 1 >= b.size()) return b.size();
        if (b[i + 1] != '[') return i + 2;  // ESC 7, ESC 8, ESC = ...: no effect on the text
        size_t j = i + 2;
        while (j < b.size() && !(b[j] >= 0x40 && b[j] <= 0x7e)) ++j;
        if (j >= b.size()) return b.size();
        csi(b.substr(i + 2, j - i - 2), b[j]);
        return j + 1;
    }
    void csi(std::string_view params, char final) {
        bool priv = !params.empty() && params[0] == '?';
        if (priv) {
            if (params == "?1049h" && final == 'h') clear_all();
            return;
        }
        std::vector<size_t> p;
        size_t v = 0;
        bool any = false;
        for (char ch : params) {
            if (ch == ';') p.push_back(any ? v : 0), v = 0, any = false;
            else if (ch >= '0' && ch <= '9') v = v * 10 + static_cast<size_t>(ch - '0'), any = true;
        }
        p.push_back(any ? v : 0);
        m_pending_wrap = false;
        if (final == 'H' || final == 'f') {
            m_row = std::min(m_rows - 1, p[0] ? p[0] - 1 : 0);
            m_col = std::min(m_cols - 1, p.size() > 1 && p[1] ? p[1] - 1 : 0);
        } else if (final == 'K') {
            for (size_t c = m_col; c < m_cols; ++c) m_cells[m_row][c] = " ";
        } else if (final == 'J') {
            if (p[0] == 2) return clear_all();
            for (size_t c = m_col; c < m_cols; ++c) m_cells[m_row][c] = " ";
            for (size_t r = m_row + 1; r < m_rows; ++r) m_cells[r] = blank();
        }
    }
    void clear_all() {
        for (auto& row : m_cells) row = blank();
    }

    size_t m_rows, m_cols;
    std::vector<std::vector<std::string>> m_cells;
    size_t m_row = 0, m_col = 0;
    bool m_pending_wrap = false;
    size_t m_wraps = 0;
};

}  // namespace aegis::test
