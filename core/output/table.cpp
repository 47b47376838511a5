#include "core/output/table.hpp"
#include <vector>
#include <string>

#include <algorithm>

#include "core/output/style.hpp"
#include "core/output/visible.hpp"

namespace aegis::output {

std::string Table::render(const std::string& header_prefix, const std::string& header_suffix) const {
    std::vector<size_t> widths(m_headers.size(), 0);
    for (size_t i = 0; i < m_headers.size(); ++i) widths[i] = display_width(m_headers[i]);
    for (auto& r : m_rows)
        for (size_t i = 0; i < r.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(visible_styled(r[i])));
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (size_t i = 0; i < widths.size(); ++i) {
            std::string c = i < cells.size() ? visible_styled(cells[i]) : "";
            out += c;
            if (i + 1 < widths.size()) out += std::string(widths[i] - display_width(c) + 2, ' ');
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    std::string h = line(m_headers);
    h.pop_back();
    std::string out = header_prefix + h + header_suffix + "\n";
    for (auto& r : m_rows) out += line(r);
    return out;
}

}  // namespace aegis::output
