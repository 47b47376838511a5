// The report pictures (core/report): bars, sparklines, ellipsis, log-scaled buckets from the
// latency histogram, the load and failover pictures in Unicode and ASCII, and the HTML writer's
// escaping of hostile names.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "core/load/engine.hpp"
#include "core/output/style.hpp"
#include "core/output/latency_buckets.hpp"
#include "core/report/charts.hpp"
#include "core/report/html.hpp"
#include "core/report/picture.hpp"
#include "core/report/reports_html.hpp"
#include "core/scenario/failover_run.hpp"

using namespace aegis;

namespace {

const report::Glyphs k_uni{true}, k_ascii{false};

bool ascii_only(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

size_t widest_line(const std::string& text) {
    size_t w = 0, start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string::npos) nl = text.size();
        w = std::max(w, output::display_width(text.substr(start, nl - start)));
        start = nl + 1;
    }
    return w;
}

load::LoadReport sample_load() {
    util::Histogram h(1.0);
    for (int i = 0; i < 900; ++i) h.record(200'000);     // 0.2 ms
    for (int i = 0; i < 90; ++i) h.record(1'200'000);    // 1.2 ms
    for (int i = 0; i < 10; ++i) h.record(40'000'000);   // 40 ms
    load::LoadReport r;
    r.service = "svc";
    r.method = "echo";
    r.histogram_ms = report::log_buckets(h, 1e6);
    for (int s = 1; s <= 30; ++s)
        r.timeline.push_back({s, static_cast<uint64_t>(100 * s), 0, -1, 0.2, 0.5 + s, 40});
    return r;
}

}  // namespace

TEST_CASE("sparkline: eight heights, squeezed to the width, ASCII fallback") {
    CHECK(report::sparkline({0, 1, 2, 3, 4, 5, 6, 7}, 8, k_uni) == "▁▂▃▄▅▆▇█");
    CHECK(report::sparkline({0, 7}, 8, k_ascii) == "_#");
    std::vector<double> minute(60, 5.0);
    minute.back() = 50;
    auto s = report::sparkline(minute, 12, k_uni);
    CHECK(output::display_width(s) == 12);
    CHECK(s.substr(s.size() - 3) == "█");  // the last column holds the burst
    CHECK(report::sparkline({}, 10, k_uni).empty());
    CHECK(report::sparkline({0, 0, 0}, 3, k_uni) == "▁▁▁");
}

TEST_CASE("bar: proportional, eighth blocks at the tip, never wider than asked") {
    CHECK(report::bar(0.5, 10, k_uni) == "█████");
    CHECK(report::bar(1.0, 4, k_ascii) == "####");
    CHECK(report::bar(0.001, 10, k_uni) == "▏");  // a few calls are visibly more than none
    CHECK(report::bar(0, 10, k_uni).empty());
    CHECK(output::display_width(report::bar(2.0, 7, k_uni)) == 7);
}

TEST_CASE("ellipsise keeps both ends of a name") {
    CHECK(report::ellipsise("echo-single-service-528ac180", 17) == "echo-sin…528ac180");
    CHECK(report::ellipsise("short", 17) == "short");
    CHECK(output::display_width(report::ellipsise("ünïcödé-nämé-ünïcödé", 9)) == 9);
}

TEST_CASE("glyphs follow the locale") {
    std::string saved = std::getenv("LC_ALL") ? std::getenv("LC_ALL") : "";
    setenv("LC_ALL", "C", 1);
    CHECK_FALSE(report::glyphs_from_env().unicode);
    setenv("LC_ALL", "en_US.UTF-8", 1);
    CHECK(report::glyphs_from_env().unicode);
    if (saved.empty()) unsetenv("LC_ALL");
    else setenv("LC_ALL", saved.c_str(), 1);
}

TEST_CASE("log buckets: 1-1.5-2-3-5-7 edges, every call counted once") {
    auto r = sample_load();
    const auto& b = r.histogram_ms;
    REQUIRE(b.size() >= 5);
    uint64_t sum = 0;
    for (const auto& x : b) sum += x.count;
    CHECK(sum == 1000);
    CHECK(b.front().from <= 0.2);
    CHECK(b.back().to > 40);
    for (size_t i = 1; i < b.size(); ++i) CHECK(b[i].from == Approx(b[i - 1].to));
    for (const auto& x : b)
        if (x.from <= 0.2 && 0.2 < x.to) CHECK(x.count == 900);
}

TEST_CASE("load pictures fit the width, in Unicode and in ASCII") {
    auto r = sample_load();
    for (size_t width : {40u, 80u, 160u}) {
        report::Picture p{width, k_uni, {}};
        auto text = report::load_pictures(r, p);
        INFO(text);
        CHECK(widest_line(text) <= width);
        CHECK(text.find("latency") != std::string::npos);
        CHECK(text.find("throughput") != std::string::npos);
        CHECK(text.find("█") != std::string::npos);
        p.glyphs = k_ascii;
        auto plain = report::load_pictures(r, p);
        CHECK(ascii_only(plain));
        CHECK(widest_line(plain) <= width);
        CHECK(plain.find('#') != std::string::npos);
    }
}

TEST_CASE("failover timeline: kill, detected, elected, first success in order on one scale") {
    scenario::FailoverReport r;
    scenario::TrialReport a, b;
    a.number = 1, a.detect_ms = 400, a.elected_ms = 450, a.first_success_ms = 500;
    b.number = 2, b.detect_ms = 100, b.elected_ms = 900, b.first_success_ms = 1000;
    r.trials = {a, b};
    report::Picture p{100, k_ascii, {}};
    auto text = report::failover_pictures(r, p);
    INFO(text);
    CHECK(ascii_only(text));
    CHECK(widest_line(text) <= 100);
    auto line1 = text.substr(text.find("trial 1"));
    line1 = line1.substr(0, line1.find('\n'));
    auto line2 = text.substr(text.find("trial 2"));
    line2 = line2.substr(0, line2.find('\n'));
    CHECK(line1.find('K') < line1.find('D'));
    CHECK(line1.find('D') < line1.find('E'));
    CHECK(line1.find('E') < line1.find('S'));
    CHECK(line2.find('S') > line1.find('S'));  // 1000 ms lies further right than 500 ms
}

TEST_CASE("html: hostile names are escaped, the embedded JSON cannot end its script block") {
    std::string evil = "</script><img src=x onerror=alert(1)>&\"'";
    CHECK(report::html_escape(evil).find('<') == std::string::npos);
    Json doc = {{"service", evil}, {"method", "echo"}, {"ok", 1}, {"by_instance", {{evil, 3}}},
                {"errors", {{"remote", {{evil, 2}}}}}, {"latency_ms", {{"p99", 1.25}}}};
    auto page = report::load_html(doc);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("</script><img") == std::string::npos);
    auto at = page.find("id=\"aegis-report\">");
    REQUIRE(at != std::string::npos);
    auto end = page.find("</script>", at);
    auto embedded = page.substr(at + 18, end - at - 18);
    CHECK(Json::parse(embedded) == doc);  // the embedded copy is the document, byte for byte
    CHECK(page.find("data-json=\"latency_ms.p99\" data-value=\"1.25\"") != std::string::npos);
}

TEST_CASE("html: a long load run stays small (series thinned, never dumped)") {
    Json timeline = Json::array();
    for (int s = 1; s <= 3600; ++s)
        timeline.push_back({{"second", s}, {"ok", 30000}, {"errors", s % 7}, {"p50_ms", 0.21},
                            {"p99_ms", 1.5 + (s % 13)}, {"max_ms", 9.0}});
    Json doc = {{"service", "svc"}, {"method", "echo"}, {"ok", 108000000}, {"timeline", timeline}};
    auto page = report::load_html(doc);
    CHECK(page.size() < 1'000'000);
    CHECK(page.find("data-series=\"p99\" data-points=\"600\"") != std::string::npos);
}
