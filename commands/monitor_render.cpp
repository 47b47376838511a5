#include "commands/monitor_render.hpp"
#include <vector>
#include <string>

#include <fmt/format.h>

#include <cmath>

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

std::string rates(const RateSum& r) {
    if (!r.has_rate) return rpad("-", 9) + rpad("-", 8) + rpad("-", 9);
    return rpad(fmt::format("{:.1f}", r.requests_per_s), 9) +
           rpad(fmt::format("{:.1f}", r.errors_per_s), 8) +
           rpad(r.requests_per_s > 0 ? fmt::format("{:.2f}", r.avg_ms) : "-", 9);
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

// "group default: leader X · lease 120ms · 2 changes", on its own line under the service.
std::string leader_line(const tool::MonitorGroup& g, wire::SysTime now, const output::Style& st) {
    std::string out = "  group " + visible(g.view.group) + ": ";
    if (!g.view.leader) return out + st.red("no leader");
    std::string lease = "lease " + tool::human_age(g.view.leader->lease_age_s(now));
    if (g.view.lease_expired) lease = st.red(lease + " (expired)");
    return out + "leader " + st.cyan(visible(g.view.leader->instance_id)) + " · " + lease +
           fmt::format(" · {} change{}", g.leader_changes, g.leader_changes == 1 ? "" : "s");
}

std::string plural(size_t n, const char* noun) {
    return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

constexpr size_t k_name = 36, k_role = 9, k_state = 13, k_hb = 8;

std::string row(const std::string& name, const std::string& role, const std::string& state,
                const std::string& rate_cells, const std::string& hb,
                const std::string& note = {}) {
    return pad(name, k_name) + pad(role, k_role) + pad(state, k_state) + rate_cells + "  " +
           pad(hb, k_hb) + note;
}

std::vector<std::string> table_lines(const MonitorFrame& f, const output::Style& st) {
    std::vector<std::string> lines;
    for (const auto& s : f.services) {
        lines.push_back(row(st.bold(visible(s.name)), s.single_active ? "single" : "balanced",
                            plural(s.instances.size(), "instance"), rates(s.total), ""));
        for (const auto& g : s.groups) lines.push_back(leader_line(g, f.at, st));
        for (const auto& i : s.instances) {
            const auto& v = i.view;
            std::string hb = v.entry ? tool::human_age(v.entry->age_seconds) : "-";
            lines.push_back(row("  " + visible(v.instance_id), v.role.empty() ? "-" : v.role,
                                state_cell(v, st), rates(i.total), hb));
            for (const auto& e : i.endpoints) {
                RateSum one;
                one.add(e);
                std::string note =
                    e.last_error.empty() ? "" : st.dim("last error: " + visible(e.last_error));
                // The lane: waiting now, and how many were shed or expired (since its start).
                if (e.queued || e.shed || e.expired)
                    note = st.yellow(fmt::format("{} queued · {} shed · {} expired", e.queued,
                                                 e.shed, e.expired)) +
                           (note.empty() ? "" : "  " + note);
                lines.push_back(
                    row(st.dim("    " + visible(e.endpoint)), "", "", rates(one), "", note));
            }
        }
    }
    return lines;
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

std::string render_screen(const MonitorFrame& f, const ScreenState& ui, const output::Style& st) {
    size_t width = static_cast<size_t>(std::max(40, ui.width));
    size_t height = static_cast<size_t>(std::max(12, ui.height));
    size_t instances = 0, leaders = 0;
    for (const auto& s : f.services) {
        instances += s.instances.size();
        for (const auto& g : s.groups) leaders += g.view.leader ? 1 : 0;
    }
    std::vector<std::string> out;
    std::string title = st.bold("aegis monitor") + "  " + ui.server + "  " +
                        wire::rfc3339_ms(f.at).substr(11, 8) + "Z  sort: " +
                        tool::sort_name(ui.sort);
    if (!ui.filter.empty()) title += "  filter: " + visible(ui.filter);
    if (ui.paused) title += "  " + st.yellow("PAUSED");
    out.push_back(title);
    out.push_back(st.dim(plural(f.services.size(), "service") + " · " +
                         plural(instances, "instance") + " · " + plural(leaders, "leader") + " · " +
                         fmt::format("{} events seen · STATS round {} ms", f.events_seen,
                                     f.took.count())));
    out.push_back(st.bold(row("SERVICE / INSTANCE / ENDPOINT", "ROLE", "STATE",
                              rpad("REQ/S", 9) + rpad("ERR/S", 8) + rpad("AVG MS", 9), "HB AGE")));
    size_t pane = std::min<size_t>(8, std::max<size_t>(3, height / 4));
    size_t room = height - out.size() - pane - 2;
    auto lines = table_lines(f, st);
    if (lines.empty()) lines.push_back(st.dim("no services (yet)"));
    if (lines.size() > room) {
        size_t more = lines.size() - room + 1;
        lines.resize(room - 1);
        lines.push_back(st.dim(fmt::format("… {} more rows (/ filters)", more)));
    }
    out.insert(out.end(), lines.begin(), lines.end());
    while (out.size() < height - pane - 2) out.push_back("");
    std::string rule = "── recent ";
    for (size_t i = 10; i < width; ++i) rule += "─";
    out.push_back(st.dim(rule));
    size_t first = f.recent.size() > pane ? f.recent.size() - pane : 0;
    for (size_t i = first; i < f.recent.size(); ++i) {
        const auto& h = f.recent[i];
        out.push_back(st.dim(wire::rfc3339_ms(h.at).substr(11, 8)) + "  " + visible(h.text));
    }
    while (out.size() < height - 1) out.push_back("");
    out.push_back(ui.editing_filter
                      ? "filter: " + visible(ui.filter_draft) + "_   (Enter applies, Esc cancels)"
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
