#include "core/scenario/report.hpp"
#include <fmt/format.h>
#include <vector>
#include <string>

#include "core/output/table.hpp"
#include "core/output/visible.hpp"

namespace aegis::scenario {

std::string step_line(const StepResult& r, const output::Style& st) {
    std::string mark = r.status == Status::passed   ? st.green("✓")
                       : r.status == Status::failed ? st.red("✗")
                                                    : st.yellow("-");
    std::string line = fmt::format("  {} {} {}\n", mark, output::visible(r.title),
                                   st.dim(fmt::format("({:.0f} ms)", r.duration_ms)));
    if (!r.message.empty() && r.status == Status::failed)
        line += "      " + st.red(output::visible(r.message)) + "\n";
    return line;
}

std::string summary_table(const std::vector<ScenarioResult>& results, const output::Style& st) {
    output::Table t({"scenario", "result", "steps", "seconds", "run id", "note"});
    int passed = 0, failed = 0, skipped = 0;
    for (const auto& r : results) {
        int ok = 0;
        for (const auto& s : r.steps) ok += s.status == Status::passed;
        std::string note = r.skip_reason;
        for (const auto& s : r.steps)
            if (note.empty() && s.status == Status::failed) note = s.title;
        std::string status = status_name(r.status);
        if (r.status == Status::passed) ++passed, status = st.green(status);
        else if (r.status == Status::failed) ++failed, status = st.red(status);
        else ++skipped, status = st.yellow(status);
        if (note.size() > 70) note = note.substr(0, 67) + "...";
        t.add({r.name, status, fmt::format("{}/{}", ok, r.steps.size()),
               fmt::format("{:.1f}", r.duration_ms / 1000), r.run_id, output::visible(note)});
    }
    return t.render() + fmt::format("{} passed, {} failed, {} skipped\n", passed, failed, skipped);
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f)
                    out += fmt::format("\\x{:02x}", u);
                else
                    out.push_back(c);
        }
    }
    return out;
}

namespace {

std::string testcase(const ScenarioResult& sc, size_t n, const StepResult& s) {
    std::string name = fmt::format("{:02} {} {}", n, s.phase, s.kind);
    std::string out = fmt::format("    <testcase name=\"{}\" classname=\"aegis.{}\" time=\"{:.3f}\"",
                                  xml_escape(name), xml_escape(sc.name), s.duration_ms / 1000);
    if (s.status == Status::passed) return out + ">\n      <system-out>" + xml_escape(s.title) +
                                           "</system-out>\n    </testcase>\n";
    if (s.status == Status::skipped)
        return out + ">\n      <skipped message=\"" + xml_escape(s.message) + "\"/>\n    </testcase>\n";
    std::string figures;
    for (const auto& [k, v] : s.figures) figures += fmt::format("{}={:g}\n", k, v);
    return out + ">\n      <failure message=\"" + xml_escape(s.message) + "\" type=\"" +
           xml_escape(s.kind) + "\">" + xml_escape(s.title + "\n" + s.message + "\n" + figures) +
           "</failure>\n    </testcase>\n";
}

}  // namespace

std::string junit_xml(const std::vector<ScenarioResult>& results, const std::string& error) {
    int tests = 0, failures = 0, skipped = 0, errors = 0;
    double secs = 0;
    std::string suites;
    for (const auto& r : results) {
        int f = 0;
        for (const auto& s : r.steps) f += s.status == Status::failed;
        bool skip = r.status == Status::skipped;
        int n = skip ? 1 : static_cast<int>(r.steps.size());
        tests += n, failures += f, skipped += skip, secs += r.duration_ms / 1000;
        suites += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
            "time=\"{:.3f}\" timestamp=\"{}\">\n",
            xml_escape(r.name), n, f, skip ? 1 : 0, r.duration_ms / 1000,
            xml_escape(r.started_at.substr(0, 19)));
        suites += "    <properties>\n      <property name=\"run_id\" value=\"" +
                  xml_escape(r.run_id) + "\"/>\n    </properties>\n";
        if (skip)
            suites += fmt::format("    <testcase name=\"{}\" classname=\"aegis.{}\" time=\"0\">\n"
                                  "      <skipped message=\"{}\"/>\n    </testcase>\n",
                                  xml_escape(r.name), xml_escape(r.name), xml_escape(r.skip_reason));
        for (size_t i = 0; i < r.steps.size(); ++i) suites += testcase(r, i + 1, r.steps[i]);
        suites += "  </testsuite>\n";
    }
    if (!error.empty()) {
        ++tests, ++errors;
        suites += "  <testsuite name=\"aegis test\" tests=\"1\" failures=\"0\" errors=\"1\" "
                  "skipped=\"0\" time=\"0\">\n    <testcase name=\"run\" classname=\"aegis.test\" "
                  "time=\"0\">\n      <error message=\"" + xml_escape(error) +
                  "\" type=\"not run\">" + xml_escape(error) +
                  "</error>\n    </testcase>\n  </testsuite>\n";
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"aegis test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
                       "skipped=\"{}\" time=\"{:.3f}\">\n{}</testsuites>\n",
                       tests, failures, errors, skipped, secs, suites);
}

Json to_json(const std::vector<ScenarioResult>& results) {
    Json list = Json::array();
    int failed = 0, passed = 0, skipped = 0;
    for (const auto& r : results) {
        Json steps = Json::array();
        for (const auto& s : r.steps)
            steps.push_back({{"phase", s.phase}, {"kind", s.kind}, {"title", s.title},
                             {"status", status_name(s.status)},
                             {"message", s.message.empty() ? Json() : Json(s.message)},
                             {"duration_ms", s.duration_ms}, {"figures", s.figures}});
        list.push_back({{"name", r.name}, {"status", status_name(r.status)},
                        {"run_id", r.run_id}, {"file", r.file},
                        {"skip_reason", r.skip_reason.empty() ? Json() : Json(r.skip_reason)},
                        {"started_at", r.started_at}, {"duration_ms", r.duration_ms},
                        {"interrupted", r.interrupted}, {"leftovers", r.leftovers},
                        {"log_dir", r.log_dir.empty() ? Json() : Json(r.log_dir)},
                        {"steps", steps}});
        (r.status == Status::passed ? passed : r.status == Status::failed ? failed : skipped)++;
    }
    return {{"scenarios", list},
            {"passed", passed},
            {"failed", failed},
            {"skipped", skipped}};
}

}  // namespace aegis::scenario
