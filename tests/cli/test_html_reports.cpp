// The HTML reports of `aegis load`, `aegis failover` and `aegis test`, made by real runs and
// opened in headless Chromium: one start per report takes a screenshot (kept in
// build/tests/report-artifacts) and prints the DOM after the page's script ran. Checked: the
// page's own check passed (#aegis-check: every number cell equals the embedded JSON, no script
// error), the charts are drawn with their series, and the numbers on the page equal what
// --json printed to stdout. Without Chromium the test says so and checks the HTML file alone;
// in CI (CI=true) a missing Chromium fails it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "core/report/html.hpp"
#include "tests/support/explore_fixtures.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis;
using namespace std::chrono_literals;

namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string chromium() {
    for (const char* name : {"chromium", "chromium-browser"})
        if (test::on_path(name)) return name;
    return {};
}

fs::path artifacts() {
    // build/tests/report-artifacts (the binary is build/app/aegis)
    fs::path dir = fs::path(test::aegis_binary()).parent_path().parent_path() / "tests" /
                   "report-artifacts";
    fs::create_directories(dir);
    return dir;
}

// Every <... data-json="P" data-value="V"> on the page equals doc at P.
size_t check_numbers(const std::string& dom, const Json& doc) {
    static const std::regex cell("data-json=\"([^\"]+)\" data-value=\"([^\"]+)\"");
    size_t n = 0;
    for (std::sregex_iterator it(dom.begin(), dom.end(), cell), end; it != end; ++it, ++n) {
        std::string path = (*it)[1], value = (*it)[2];
        INFO(path);
        const Json& want = report::json_at(doc, path);
        REQUIRE(want.is_number());
        CHECK(std::stod(value) == Approx(want.get<double>()).epsilon(0));
    }
    return n;
}

// A polyline, bar or dot of series `name` with something to draw.
bool drawn(const std::string& dom, const std::string& name) {
    std::regex line("data-series=\"" + name + "\" data-points=\"([1-9][0-9]*)\"[^>]*points=\"[0-9]");
    std::regex shape("<(rect|circle|line) data-series=\"" + name + "\"");
    return std::regex_search(dom, line) || std::regex_search(dom, shape);
}

// Opens the page in Chromium (screenshot + DOM in one start) and checks it; checks the file
// alone when there is no Chromium outside CI.
void check_in_browser(const std::string& html, const Json& doc, const std::string& name,
                      const std::vector<std::string>& series, size_t charts) {
    std::string page = slurp(html);
    REQUIRE(page.size() > 1000);
    CHECK(page.size() < 1'000'000);
    CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));  // nothing fetched
    CHECK(page.find("https://") == std::string::npos);
    CHECK(Json::parse(page.substr(page.find("id=\"aegis-report\">") + 18,
                                  page.find("</script>", page.find("id=\"aegis-report\"")) -
                                      page.find("id=\"aegis-report\"") - 18)) == doc);
    std::string browser = chromium();
    if (browser.empty()) {
        const char* ci = std::getenv("CI");
        if (ci && std::string(ci) == "true") FAIL("chromium is not installed (scripts/install-deps.sh)");
        WARN("chromium not found: the " << name << " report was checked as a file, not in a browser");
        check_numbers(page, doc);
        return;
    }
    test::TempDir profile;
    fs::path shot = artifacts() / (name + ".png");
    fs::remove(shot);
    auto r = test::run_program({browser, "--headless", "--no-sandbox", "--disable-gpu",
                                "--user-data-dir=" + profile.path(), "--hide-scrollbars",
                                "--window-size=1100,1600", "--screenshot=" + shot.string(),
                                "--dump-dom", "--enable-logging=stderr", "--v=0",
                                "file://" + html},
                               {}, {}, 90s);
    INFO(r.err.substr(0, 4000));
    REQUIRE(r.exit_code == 0);
    const std::string& dom = r.out;
    CHECK(fs::exists(shot));
    if (fs::exists(shot)) CHECK(fs::file_size(shot) > 10'000);
    CHECK(r.err.find("Uncaught") == std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(dom, m, std::regex("id=\"aegis-check\" class=\"(\\w+)\">([^<]*)<")));
    INFO(m[2].str());
    CHECK(m[1] == "good");
    size_t numbers = check_numbers(dom, doc);
    CHECK(numbers >= 5);
    CHECK(m[2].str().find("ok: " + std::to_string(numbers) + " numbers") == 0);
    CHECK(m[2].str().find(std::to_string(charts) + " charts") != std::string::npos);
    for (const auto& s : series) {
        INFO(s);
        CHECK(drawn(dom, s));
    }
}

}  // namespace

TEST_CASE("html reports: load, failover and test, opened in a browser") {
    test::NatsServer server;
    test::TempDir dir;
    SECTION("aegis load --html") {
        auto svc = test::live_service(server, "report-load", "report-load-1");
        std::string html = dir.path() + "/load.html";
        auto r = test::run_aegis({"load", "report-load", "echo", "-n", "3000", "-c", "8", "--json",
                                  "--html", html, "--server", server.url()}, {}, {}, 90s);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto doc = Json::parse(r.out);
        REQUIRE(doc["histogram"].size() >= 1);
        check_in_browser(html, doc, "load", {"p50", "p99", "ok", "calls"}, 4);
    }
    SECTION("aegis failover --html") {
        std::string html = dir.path() + "/failover.html";
        auto r = test::run_aegis({"failover", "report-fo", "--spawn", "3", "--trials", "2",
                                  "--policy", "aggressive", "--duration", "2", "--kill-after",
                                  "0.7", "--json", "--html", html, "--server", server.url()},
                                 {}, {}, 120s);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto doc = Json::parse(r.out);
        check_in_browser(html, doc, "failover", {"trial", "detect_ms", "first_success_ms"}, 2);
    }
    SECTION("aegis test --html") {
        std::string html = dir.path() + "/test.html";
        std::string file = std::string(AEGIS_TEST_DATA_DIR) + "/scenarios/report-demo.yaml";
        auto r = test::run_aegis({"test", "-f", file, "--keep-going", "--json", "--html",
                                  html, "--server", server.url()}, {}, {}, 110s);
        INFO(r.err);
        REQUIRE(r.exit_code == 1);  // one scenario fails on purpose
        auto doc = Json::parse(r.out);
        std::string page = slurp(html);
        CHECK(page.find("<img src=x") == std::string::npos);
        // Failures first: the failing scenario's section comes before the passing one's.
        CHECK(page.find("<h2>report-fails-on-purpose") < page.find("<h2>report-passes"));
        check_in_browser(html, doc, "test", {"duration ms"}, 1);
    }
}
