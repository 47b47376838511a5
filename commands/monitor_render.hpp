#pragma once
// Drawing `aegis monitor`: the full-screen frame, the line-per-change output and the summary.
#include <string>
#include <vector>

#include "commands/monitor_layout.hpp"
#include "core/report/charts.hpp"
#include "core/tool/monitor.hpp"
#include "core/output/style.hpp"

namespace aegis::cmd {

struct ScreenState {
    std::string server;
    tool::SortKey sort = tool::SortKey::name;
    std::string filter;
    bool paused = false;
    bool editing_filter = false;  // typing after '/'
    std::string filter_draft;
    int width = 100;
    int height = 30;
    const RateHistory* history = nullptr;  // the last minute of rates, for the sparklines
    report::Glyphs glyphs;
};

// The whole screen as text (cursor home, every line cleared to its end, rest of screen cleared),
// exactly ui.height lines of at most ui.width columns: columns give way to a narrow terminal by
// priority, rows use every line the recent-happenings pane does not need.
std::string render_screen(const tool::MonitorFrame& frame, const ScreenState& ui,
                          const output::Style& st);
// "2025-08-07T10:15:30.123Z  joined  echo-service/echo-service-1 (healthy)"
std::string render_happening(const tool::Happening& h, const output::Style& st);
// The end-of-run summary (Monitor::summary()) for people.
std::string render_summary(const Json& summary, const output::Style& st);

}  // namespace aegis::cmd
