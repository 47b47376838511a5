#pragma once
// Plain column tables for human output.
#include <string>
#include <vector>

namespace aegis::output {

class Table {
public:
    explicit Table(std::vector<std::string> headers) : m_headers(std::move(headers)) {}
    void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
    bool empty() const { return m_rows.empty(); }
    // Columns separated by two spaces; the header line is `header_style`d by the caller.
    std::string render(const std::string& header_prefix = {},
                       const std::string& header_suffix = {}) const;

private:
    std::vector<std::string> m_headers;
    std::vector<std::vector<std::string>> m_rows;
};

}  // namespace aegis::output
