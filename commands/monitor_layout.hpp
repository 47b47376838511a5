#pragma once
// How `aegis monitor`'s table fits the terminal: which columns are shown at which width (they
// give way by priority), how wide the name column is, and each endpoint's request rate over
// the last minute for the sparkline column.
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/tool/monitor.hpp"

namespace aegis::cmd {

enum class MonitorColumn { role, state, req, err, avg, trend, hb };

struct MonitorLayout {
    size_t name = 36;
    std::vector<MonitorColumn> columns;  // in display order, after the name
    bool shows(MonitorColumn c) const;
};

size_t column_width(MonitorColumn c);
const char* column_title(MonitorColumn c);
bool right_aligned(MonitorColumn c);

// The widest layout for `width` columns whose names want `longest` columns. Shrinking the name
// column (down to a floor) comes before dropping a column; columns go in this order: the
// last-minute sparkline, role, heartbeat age, average ms, errors/s, state.
MonitorLayout layout_for(size_t width, size_t longest);

// Request rates per endpoint (and per instance) over a bounded window of refreshes.
class RateHistory {
public:
    void set_window(std::chrono::milliseconds window, std::chrono::milliseconds interval);
    void record(const tool::MonitorFrame& frame);
    // Oldest first; empty when nothing was recorded under that key.
    const std::vector<double>& series(const std::string& service, const std::string& instance,
                                      const std::string& endpoint = {}) const;

private:
    size_t m_keep = 60;
    std::map<std::string, std::vector<double>> m_series;
};

}  // namespace aegis::cmd
