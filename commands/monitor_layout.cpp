#include "commands/monitor_layout.hpp"

#include <algorithm>
#include <set>

namespace aegis::cmd {

namespace {

using C = MonitorColumn;

constexpr size_t k_name_floor = 20;  // narrower than this and instance ids stop being readable
constexpr size_t k_name_min = 10;    // only when every optional column is already gone
constexpr size_t k_name_cap = 48;

size_t total(const MonitorLayout& l) {
    size_t w = l.name;
    for (auto c : l.columns) w += column_width(c);
    return w;
}

std::string key_of(const std::string& s, const std::string& i, const std::string& e) {
    return s + '\n' + i + '\n' + e;
}

}  // namespace

bool MonitorLayout::shows(MonitorColumn c) const {
    return std::find(columns.begin(), columns.end(), c) != columns.end();
}

size_t column_width(MonitorColumn c) {
    switch (c) {
    case C::role: return 9;
    case C::state: return 13;
    case C::req: return 9;
    case C::err: return 8;
    case C::avg: return 9;
    case C::trend: return 14;  // two spaces, then the sparkline
    case C::hb: return 10;     // two spaces, then the age
    }
    return 0;
}

const char* column_title(MonitorColumn c) {
    switch (c) {
    case C::role: return "ROLE";
    case C::state: return "STATE";
    case C::req: return "REQ/S";
    case C::err: return "ERR/S";
    case C::avg: return "AVG MS";
    case C::trend: return "REQ/S 1 MIN";
    case C::hb: return "HB AGE";
    }
    return "";
}

bool right_aligned(MonitorColumn c) {
    return c == C::req || c == C::err || c == C::avg;
}

MonitorLayout layout_for(size_t width, size_t longest) {
    MonitorLayout l;
    l.columns = {C::role, C::state, C::req, C::err, C::avg, C::trend, C::hb};
    l.name = std::clamp<size_t>(std::max<size_t>(longest, 30) + 1, k_name_floor, k_name_cap);
    // The sparkline is worth a shorter name only down to 24 columns of name.
    const std::vector<std::pair<size_t, C>> give_way = {
        {24, C::trend}, {k_name_floor, C::role}, {k_name_floor, C::hb},
        {k_name_floor, C::avg}, {k_name_floor, C::err}, {k_name_floor, C::state}};
    for (const auto& [floor, drop] : give_way) {
        if (total(l) <= width) return l;
        size_t others = total(l) - l.name;
        if (width > others) l.name = std::max(floor, std::min(l.name, width - others));
        if (total(l) <= width) return l;
        l.columns.erase(std::remove(l.columns.begin(), l.columns.end(), drop), l.columns.end());
    }
    size_t others = total(l) - l.name;
    l.name = width > others + k_name_min ? std::min(l.name, width - others) : k_name_min;
    return l;
}

void RateHistory::set_window(std::chrono::milliseconds window,
                             std::chrono::milliseconds interval) {
    m_keep = static_cast<size_t>(std::max<long long>(2, window.count() /
                                                            std::max<long long>(1, interval.count())));
}

void RateHistory::record(const tool::MonitorFrame& frame) {
    std::set<std::string> seen;
    // A round without a rate (a new baseline) adds no sample but keeps what was seen.
    auto add = [&](const std::string& key, bool has_rate, double v) {
        auto& s = m_series[key];
        if (has_rate) s.push_back(v);
        if (s.size() > m_keep) s.erase(s.begin(), s.begin() + static_cast<long>(s.size() - m_keep));
        seen.insert(key);
    };
    for (const auto& svc : frame.services)
        for (const auto& inst : svc.instances) {
            const auto& id = inst.view.instance_id;
            add(key_of(svc.name, id, {}), inst.total.has_rate, inst.total.requests_per_s);
            for (const auto& e : inst.endpoints)
                add(key_of(svc.name, id, e.endpoint), e.has_rate, e.requests_per_s);
        }
    // Instances that left take their history with them: the map stays as big as the system.
    for (auto it = m_series.begin(); it != m_series.end();)
        it = seen.count(it->first) ? std::next(it) : m_series.erase(it);
}

const std::vector<double>& RateHistory::series(const std::string& service,
                                               const std::string& instance,
                                               const std::string& endpoint) const {
    static const std::vector<double> k_none;
    auto it = m_series.find(key_of(service, instance, endpoint));
    return it == m_series.end() ? k_none : it->second;
}

}  // namespace aegis::cmd
