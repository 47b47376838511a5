#include "commands/monitor_render.hpp"
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/output/terminal.hpp"
#include "core/output/visible.hpp"

namespace aegis::cmd {

using tool::MonitorFrame;
using tool::RateSum;
using output::visible;  // names, ids, errors and happenings come from the network

namespace {

// Cuts `s` to `width` visible columns, keeping ANSI colour sequences intact.
std::string clip(const std::string& s, size_t width) {
    std::string out;
    size_t w = 0;
    bool cut = false;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == 0x1b) {
            size_t end = s.find('m', i);
            if (end == std::string::npos) break;
            out += s.substr(i, end - i + 1);
            i = end;
            continue;
        }
        if ((c & 0xC0) != 0x80) {
            if (w == width) {
                cut = true;
                break;
            }
            ++w;
        }
        out += s[i];
    }
    if (cut && out.find('\033') != std::string::npos) out += "\033[0m";
    return out;
}

std::string pad(const std::string& s, size_t width) {
    std::string c = clip(s, width);
    size_t w = output::display_width(c);
    return c + std::string(w < width ? width - w : 0, ' ');
}

std::string rpad(const std::string& s, size_t width) {
    size_t w = output::display_width(s);
    return std::string(w < width ? width - w : 0, ' ') + s;
}

using Cells = std::array<std::string, 7>;  // indexed by MonitorColumn

size_t at(MonitorColumn c) {
    return static_cast<size_t>(c);
}

void put_rates(Cells& cells, const RateSum& r) {
    if (!r.has_rate) {
        cells[at(MonitorColumn::req)] = cells[at(MonitorColumn::err)] =
            cells[at(MonitorColumn::avg)] = "-";
        return;
    }
    cells[at(MonitorColumn::req)] = fmt::format("{:.1f}", r.requests_per_s);
    cells[at(MonitorColumn::err)] = fmt::format("{:.1f}", r.errors_per_s);
    cells[at(MonitorColumn::avg)] = r.requests_per_s > 0 ? fmt::format("{:.2f}", r.avg_ms) : "-";
}

std::string state_cell(const tool::InstanceView& v, const output::Style& st) {
    std::string s = tool::state_name(v.state);
    using S = tool::InstanceState;
    if (v.state == S::healthy) return st.green(s);
    if (v.state == S::ghost || v.state == S::unhealthy) return st.red(s);
    if (v.state == S::stale || v.state == S::overloaded) return st.yellow(s);
    if (v.state == S::unregistered) return st.magenta(s);
    return st.dim(s);
}

// "group default: leader X · lease renewed 120ms ago · 2 changes", under the service.
std::string leader_line(const tool::MonitorGroup& g, wire::SysTime now, const output::Style& st) {
    std::string out = "  group " + visible(g.view.group) + ": ";
    if (!g.view.leader) return out + st.red("no leader");
    std::string lease =
        "lease renewed " + tool::human_age(g.view.leader->lease_age_s(now)) + " ago";
    if (g.view.lease_expired) lease = st.red(lease + " (expired)");
    return out + "leader " + st.cyan(visible(g.view.leader->instance_id)) + " · " + lease +
           fmt::format(" · {} change{}", g.leader_changes, g.leader_changes == 1 ? "" : "s");
}

std::string plural(size_t n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

// One table row: the name (indented, ellipsised to its column), the layout's columns, a note.
struct RowMaker {
    const MonitorLayout& layout;
    std::string operator()(size_t indent, const std::string& name, std::string (*paint)(
                               const output::Style&, std::string_view), const output::Style& st,
                           const Cells& cells, const std::string& note = {}) const {
        size_t room = layout.name > indent + 1 ? layout.name - indent - 1 : 1;
        std::string out = pad(std::string(indent, ' ') + paint(st, report::ellipsise(name, room)),
                              layout.name);
        for (auto c : layout.columns) {
            size_t w = column_width(c);
            const auto& v = cells[at(c)];
            if (right_aligned(c)) out += rpad(v, w);
            else if (c == MonitorColumn::trend || c == MonitorColumn::hb) out += "  " + pad(v, w - 2);
            else out += pad(v, w);
        }
        return out + note;
    }
};

std::string plain(const output::Style&, std::string_view t) {
    return std::string(t);
}
std::string bold(const output::Style& st, std::string_view t) {
    return st.bold(t);
}
std::string dim(const output::Style& st, std::string_view t) {
    return st.dim(t);
}

std::string lane_note(const tool::EndpointRate& e, const output::Style& st) {
    std::string note = e.last_error.empty() ? "" : st.dim("last error: " + visible(e.last_error));
    // The lane: waiting now, and how many were shed or expired (since its start).
    if (e.queued || e.shed || e.expired)
        note = st.yellow(fmt::format("{} queued · {} shed · {} expired", e.queued, e.shed,
                                     e.expired)) +
               (note.empty() ? "" : "  " + note);
    return note;
}

std::string trend(const ScreenState& ui, const std::string& s, const std::string& i,
                  const std::string& e = {}) {
    if (!ui.history) return "";
    size_t w = column_width(MonitorColumn::trend) - 2;
    return report::sparkline(ui.history->series(s, i, e), w, ui.glyphs);
}

std::vector<std::string> table_lines(const MonitorFrame& f, const MonitorLayout& l,
                                     const ScreenState& ui, const output::Style& st) {
    RowMaker row{l};
    std::vector<std::string> lines;
    for (const auto& s : f.services) {
        Cells c;
        c[at(MonitorColumn::role)] = s.single_active ? "single" : "balanced";
        c[at(MonitorColumn::state)] = plural(s.instances.size(), "instance");
        put_rates(c, s.total);
        lines.push_back(row(0, visible(s.name), bold, st, c));
        for (const auto& g : s.groups) lines.push_back(leader_line(g, f.at, st));
        for (const auto& i : s.instances) {
            const auto& v = i.view;
            Cells ic;
            ic[at(MonitorColumn::role)] = v.role.empty() ? "-" : v.role;
            ic[at(MonitorColumn::state)] = state_cell(v, st);
            ic[at(MonitorColumn::hb)] = v.entry ? tool::human_age(v.entry->age_seconds) : "-";
            ic[at(MonitorColumn::trend)] = trend(ui, s.name, v.instance_id);
            put_rates(ic, i.total);
            lines.push_back(row(2, visible(v.instance_id), plain, st, ic));
            for (const auto& e : i.endpoints) {
                RateSum one;
                one.add(e);
                Cells ec;
                put_rates(ec, one);
                ec[at(MonitorColumn::trend)] = st.dim(trend(ui, s.name, v.instance_id, e.endpoint));
                lines.push_back(row(4, visible(e.endpoint), dim, st, ec, lane_note(e, st)));
            }
        }
    }
    return lines;
}

size_t longest_name(const MonitorFrame& f) {
    size_t n = 0;
    for (const auto& s : f.services) {
        n = std::max(n, output::display_width(visible(s.name)));
        for (const auto& i : s.instances) {
            n = std::max(n, 2 + output::display_width(visible(i.view.instance_id)));
            for (const auto& e : i.endpoints)
                n = std::max(n, 4 + output::display_width(visible(e.endpoint)));
        }
    }
    return n;
}

}  // namespace

std::string render_happening(const tool::Happening& h, const output::Style& st) {
    std::string kind = h.kind;
    if (kind == "left" || kind == "ghost" || kind == "stale" || kind == "unhealthy")
        kind = st.yellow(kind);
    else if (kind == "leader" || kind == "released")
        kind = st.cyan(kind);
    return st.dim(wire::rfc3339_ms(h.at)) + "  " + kind + "  " + visible(h.text);
}

namespace {

std::string title_line(const MonitorFrame& f, const ScreenState& ui, const output::Style& st) {
    std::string title = st.bold("aegis monitor") + "  " + ui.server + "  " +
                        wire::rfc3339_ms(f.at).substr(11, 8) + "Z  sort: " +
                        tool::sort_name(ui.sort);
    if (!ui.filter.empty()) title += "  filter: " + visible(ui.filter);
    if (ui.paused) title += "  " + st.yellow("PAUSED");
    return title;
}

std::string counts_line(const MonitorFrame& f, const output::Style& st) {
    size_t instances = 0, leaders = 0;
    for (const auto& s : f.services) {
        instances += s.instances.size();
        for (const auto& g : s.groups) leaders += g.view.leader ? 1 : 0;
    }
    return st.dim(plural(f.services.size(), "service") + " · " + plural(instances, "instance") +
                  " · " + plural(leaders, "leader") + " · " +
                  fmt::format("{} events seen · STATS round {} ms", f.events_seen,
                              f.took.count()));
}

std::string header_line(const MonitorLayout& l, const output::Style& st) {
    Cells titles;
    for (auto c : l.columns) titles[at(c)] = column_title(c);
    RowMaker row{l};
    const char* name = l.name > 30 ? "SERVICE / INSTANCE / ENDPOINT" : "NAME";
    return st.bold(row(0, name, plain, st, titles));
}

// Splits `room` lines between the table and the recent pane: the pane keeps a few lines (or
// fewer when fewer happened), the table takes the rest; whatever the table leaves goes back to
// the pane. Rows are hidden only when the screen is really full.
std::pair<size_t, size_t> split_rows(size_t room, size_t table, size_t recent, size_t height) {
    size_t pane_min = std::min(recent, std::min<size_t>(8, std::max<size_t>(3, height / 5)));
    size_t table_rows = std::min(table, room - pane_min);
    return {table_rows, std::min(recent, room - table_rows)};
}

}  // namespace

std::string render_screen(const MonitorFrame& f, const ScreenState& ui, const output::Style& st) {
    size_t width = static_cast<size_t>(std::max(40, ui.width));
    size_t height = static_cast<size_t>(std::max(12, ui.height));
    auto layout = layout_for(width, longest_name(f));
    std::vector<std::string> out{title_line(f, ui, st), counts_line(f, st),
                                 header_line(layout, st)};
    auto lines = table_lines(f, layout, ui, st);
    if (lines.empty()) lines.push_back(st.dim("no services (yet)"));
    size_t room = height - out.size() - 2;  // less the pane's rule and the key line
    auto [table_rows, pane_rows] = split_rows(room, lines.size(), f.recent.size(), height);
    if (lines.size() > table_rows) {
        size_t more = lines.size() - table_rows + 1;
        lines.resize(table_rows - 1);
        lines.push_back(st.dim(fmt::format("… {} more rows (/ filters)", more)));
    }
    out.insert(out.end(), lines.begin(), lines.end());
    while (out.size() < height - 2 - pane_rows) out.push_back("");
    std::string rule = "── recent ";
    for (size_t i = 10; i < width; ++i) rule += "─";
    out.push_back(st.dim(rule));
    for (size_t i = f.recent.size() - pane_rows; i < f.recent.size(); ++i) {
        const auto& h = f.recent[i];
        out.push_back(st.dim(wire::rfc3339_ms(h.at).substr(11, 8)) + "  " + visible(h.text));
    }
    out.push_back(ui.editing_filter ? "filter: " + visible(ui.filter_draft) +
                                          "_   (Enter applies, Esc cancels, Ctrl-U clears)"
                                    : st.dim("q quit   / filter   s sort   p pause"));
    for (auto& line : out) line = clip(line, width);
    return output::repaint(out);
}

std::string render_summary(const Json& s, const output::Style& st) {
    std::string out = st.bold(fmt::format("monitored {:.1f} s ({} refreshes)",
                                          s.value("duration_ms", 0.0) / 1000.0,
                                          s.value("ticks", 0))) + "\n";
    for (const auto& svc : s["services"])
        out += fmt::format("  {}: {} requests, {} errors\n", visible(svc.value("name", "")),
                           svc.value("requests", 0), svc.value("errors", 0));
    for (const auto& l : s["leaders"])
        out += fmt::format("  leader {}/{}: {} change{}, now {}\n",
                           visible(l.value("service", "")), visible(l.value("group", "")),
                           l.value("changes", 0), l.value("changes", 0) == 1 ? "" : "s",
                           l["leader"].is_string() ? visible(l["leader"].get<std::string>())
                                                   : "none");
    out += fmt::format("  events seen: {}\n", s["events"].value("seen", 0));
    std::string kinds;
    for (auto it = s["happenings"].begin(); it != s["happenings"].end(); ++it)
        kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", visible(it.key()),
                             it.value().dump());
    if (!kinds.empty()) out += "  happenings: " + kinds + "\n";
    return out;
}

}  // namespace aegis::cmd
