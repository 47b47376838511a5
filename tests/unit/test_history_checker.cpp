// The history checker on hand-made histories: each violation kind is caught with its first
// offending records, a clean history passes, clock ties count in the instance's favour, and
// hostile lines are counted and skipped, never a crash. Also the recorder's file format.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/history/checker.hpp"
#include "core/service/history_recorder.hpp"

using namespace aegis;
using history::check_history;
using history::parse_history;

namespace {

std::string exec(const std::string& inst, uint64_t term, int64_t start, int64_t end,
                 const std::string& msg = "m", const std::string& service = "svc") {
    return Json{{"kind", "exec"},   {"service", service}, {"group", "default"},
                {"method", "work"}, {"instance", inst},   {"term", term},
                {"start_us", start}, {"end_us", end},     {"msg_id", msg},
                {"outcome", "ok"}}
        .dump();
}

std::string lease(const std::string& inst, uint64_t term, const std::string& event, int64_t t) {
    return Json{{"kind", "lease"}, {"service", "svc"}, {"group", "default"}, {"instance", inst},
                {"term", term},    {"event", event},   {"t_us", t}}
        .dump();
}

history::History parse(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    std::istringstream in(text);
    return parse_history(in);
}

history::Verdict check(const std::vector<std::string>& lines) {
    return check_history(parse(lines));
}

// A clean failover: a leads term 1, is fenced, b acquires term 5 and serves.
std::vector<std::string> clean_failover() {
    return {lease("a", 1, "acquired", 100), exec("a", 1, 110, 120, "m1"),
            exec("a", 1, 130, 140, "m2"),   lease("a", 1, "fenced", 200),
            lease("b", 5, "acquired", 300), exec("b", 5, 310, 320, "m3"),
            exec("b", 5, 330, 340, "m4")};
}

}  // namespace

TEST_CASE("a clean history passes", "[history]") {
    auto v = check(clean_failover());
    CHECK(v.ok());
    CHECK(v.executions == 4);
    CHECK(v.instances == 2);
    CHECK(v.lease_events == 3);
    CHECK(v.malformed == 0);
    CHECK(v.problems().empty());
    CHECK(history::verdict_line(v) ==
          "history: 4 executions by 2 instances, 0 overlaps, 0 stale-lease executions, acks not "
          "checked, 0 duplicate orders: ok");
    CHECK(history::to_json(v)["ok"] == true);
}

TEST_CASE("overlapping executions by two instances are caught", "[history]") {
    auto lines = clean_failover();
    lines.push_back(exec("a", 1, 305, 315, "late"));  // a runs while b runs (and after b won)
    auto v = check(lines);
    CHECK_FALSE(v.ok());
    CHECK(v.overlaps.count == 1);
    REQUIRE(v.overlaps.first.size() == 2);
    CHECK(v.overlaps.first[0]["msg_id"] == "late");
    CHECK(v.overlaps.first[1]["msg_id"] == "m3");
    auto problems = v.problems();
    REQUIRE(problems.size() == 2);  // also stale: it started after b acquired term 5
    CHECK(problems[0] ==
          "history: 1 exclusive execution overlapping another instance's (first: 'b' (term 5) "
          "ran 'work' msg 'm3' while 'a' (term 1) ran 'work' msg 'late')");
}

TEST_CASE("overlap is per service and group, and the same instance never overlaps itself",
          "[history]") {
    auto v = check({exec("a", 1, 100, 200, "x", "svc"), exec("b", 2, 150, 160, "y", "other"),
                    exec("a", 1, 120, 130, "z", "svc")});
    CHECK(v.overlaps.count == 0);
}

TEST_CASE("touching intervals and equal clocks are not overlaps", "[history]") {
    // b starts at the very microsecond a ends: a tie in the instances' favour.
    auto v = check({lease("a", 1, "acquired", 10), exec("a", 1, 100, 200),
                    lease("a", 1, "lost", 200), lease("b", 2, "acquired", 200),
                    exec("b", 2, 200, 300)});
    CHECK(v.overlaps.count == 0);
    CHECK(v.stale.count == 0);
    // An execution starting the same microsecond its lease was lost is not stale either.
    auto w = check({lease("a", 1, "acquired", 10), lease("a", 1, "fenced", 150),
                    exec("a", 1, 150, 160)});
    CHECK(w.stale.count == 0);
    // But one microsecond later it is.
    auto x = check({lease("a", 1, "acquired", 10), lease("a", 1, "fenced", 150),
                    exec("a", 1, 151, 160)});
    CHECK(x.stale.count == 1);
}

TEST_CASE("two executions starting together overlap", "[history]") {
    auto v = check({exec("a", 1, 100, 110), exec("b", 1, 100, 105)});
    CHECK(v.overlaps.count == 1);
}

TEST_CASE("an execution after the instance's own loss is stale", "[history]") {
    auto v = check({lease("a", 1, "acquired", 100), lease("a", 1, "lost", 200),
                    exec("a", 1, 250, 260, "after")});
    CHECK(v.stale.count == 1);
    REQUIRE(v.stale.first.size() == 2);
    CHECK(v.stale.first[0]["event"] == "lost");
    CHECK(v.stale.first[1]["msg_id"] == "after");
    CHECK(v.problems().at(0).find("after its lease was lost") != std::string::npos);
}

TEST_CASE("an execution after another instance acquired a higher term is stale", "[history]") {
    // a never learnt it lost (frozen, no event): b's acquisition of term 9 is what counts.
    auto v = check({lease("a", 3, "acquired", 100), lease("b", 9, "acquired", 500),
                    exec("a", 3, 400, 450, "before"), exec("a", 3, 600, 610, "after")});
    CHECK(v.overlaps.count == 0);
    CHECK(v.stale.count == 1);
    CHECK(v.stale.first[0]["instance"] == "b");
    CHECK(v.stale.first[1]["msg_id"] == "after");
    // A higher term acquired by the same instance, or a lower term by another, does not count.
    auto w = check({lease("a", 3, "acquired", 100), lease("a", 9, "acquired", 500),
                    lease("b", 2, "acquired", 50), exec("a", 3, 600, 610)});
    CHECK(w.stale.count == 0);
}

TEST_CASE("a term number used again after the bucket was created anew starts afresh",
          "[history]") {
    // b took over from a (term 2); then the server lost its store, the bucket was created
    // again and a won it with revision 1 — the number of its old, lost term.
    auto v = check({lease("a", 1, "acquired", 100), lease("b", 2, "acquired", 150),
                    lease("a", 1, "lost", 200), lease("a", 1, "acquired", 500),
                    exec("a", 1, 600, 610, "new")});
    CHECK(v.stale.count == 0);
    // Its old holding of term 1 still ended at 150 for an execution in between.
    auto w = check({lease("a", 1, "acquired", 100), lease("b", 2, "acquired", 150),
                    exec("a", 1, 160, 170, "old"), lease("a", 1, "acquired", 500)});
    CHECK(w.stale.count == 1);
    CHECK(w.stale.first[1]["msg_id"] == "old");
    auto spans = history::leader_spans(parse({lease("a", 1, "acquired", 100),
                                              lease("b", 2, "acquired", 150),
                                              lease("a", 1, "lost", 200),
                                              lease("a", 1, "acquired", 500),
                                              exec("a", 1, 600, 610)}));
    REQUIRE(spans.size() == 3);
    CHECK(spans[0].ended_us == 200);
    CHECK(spans[0].believed_after_us == 50);
    CHECK(spans[0].last_exec_end_us == 0);  // the execution belongs to the later holding
    CHECK(spans[2].last_exec_end_us == 610);
    CHECK_FALSE(spans[2].ended_us);
    CHECK_FALSE(spans[2].superseded_us);
}

TEST_CASE("an execution with no term held is stale", "[history]") {
    auto v = check({exec("a", 0, 100, 110)});
    CHECK(v.stale.count == 1);
    CHECK(v.problems().at(0).find("holding no lease") != std::string::npos);
}

TEST_CASE("acknowledged orders missing from the final listing are lost", "[history]") {
    auto ack = [](const std::string& msg, const std::string& order) {
        return Json{{"kind", "ack"}, {"service", "svc"}, {"msg_id", msg},
                    {"order_id", order}, {"t_us", 500}}.dump();
    };
    auto order = [](const std::string& id, const std::string& inst, int64_t t) {
        return Json{{"kind", "order"}, {"service", "svc"}, {"order_id", id},
                    {"instance", inst}, {"t_us", t}}.dump();
    };
    std::vector<std::string> lines{order("o1", "a", 100), order("o2", "a", 110), ack("m1", "o1"),
                                   ack("m2", "o2")};
    auto v = check(lines);
    CHECK(v.acks_checked);
    CHECK(v.lost_acks.count == 0);
    // The final listing lacks o2: the write was acknowledged, then lost.
    lines.push_back(Json{{"kind", "final"}, {"service", "svc"}, {"order_ids", {"o1"}},
                         {"t_us", 900}}.dump());
    auto w = check(lines);
    CHECK(w.lost_acks.count == 1);
    CHECK(w.lost_acks.first[0]["order_id"] == "o2");
    CHECK(history::verdict_line(w).find("1 lost ack,") != std::string::npos);
    // Without a final listing, an ack whose order was never recorded is lost.
    auto x = check({order("o1", "a", 100), ack("m9", "o9")});
    CHECK(x.lost_acks.count == 1);
}

TEST_CASE("acknowledged calls never executed are lost and unrecorded services are not accused",
          "[history]") {
    auto ack = [](const std::string& service, const std::string& msg) {
        return Json{{"kind", "ack"}, {"service", service}, {"msg_id", msg}, {"t_us", 5}}.dump();
    };
    auto v = check({exec("a", 1, 1, 2, "m1"), ack("svc", "m1"), ack("svc", "m2"),
                    ack("quiet", "m3")});
    CHECK(v.lost_acks.count == 1);
    CHECK(v.lost_acks.first[0]["msg_id"] == "m2");
    auto w = check({ack("quiet", "m3")});
    CHECK_FALSE(w.acks_checked);
    CHECK(w.ok());
}

TEST_CASE("acks answered by an instance that records nothing are not checked", "[history]") {
    auto ack = [](const std::string& msg, const std::string& inst) {
        return Json{{"kind", "ack"}, {"service", "svc"}, {"msg_id", msg}, {"instance", inst},
                    {"t_us", 5}}.dump();
    };
    // 'outsider' (a leader the run did not start) answered m2 and recorded nothing: not lost.
    auto v = check({lease("a", 1, "acquired", 1), exec("a", 1, 1, 2, "m1"), ack("m1", "a"),
                    ack("m2", "outsider"), ack("m3", "a")});
    CHECK(v.lost_acks.count == 1);  // m3: 'a' records, yet never ran it
    CHECK(v.lost_acks.first[0]["msg_id"] == "m3");
}

TEST_CASE("an order created twice is a duplicate", "[history]") {
    auto order = [](const std::string& id, const std::string& inst, int64_t t) {
        return Json{{"kind", "order"}, {"service", "svc"}, {"order_id", id},
                    {"instance", inst}, {"t_us", t}}.dump();
    };
    auto v = check({order("o1", "b", 300), order("o2", "a", 100), order("o1", "a", 200)});
    CHECK(v.duplicate_orders.count == 1);
    CHECK(v.duplicate_orders.first[0]["instance"] == "a");  // earliest first, whatever the file
    CHECK(v.duplicate_orders.first[1]["instance"] == "b");
    CHECK(v.problems().at(0) == "history: 1 order created more than once (first: 'o1' by 'a' "
                                "and 'b')");
}

TEST_CASE("hostile lines are counted and skipped", "[history]") {
    std::string huge(2u << 20, 'x');
    auto h = parse({"not json", "[1,2]", "{\"kind\":\"exec\"}", "{\"kind\":42}",
                    "{\"kind\":\"lease\",\"instance\":\"a\",\"term\":-1,\"event\":\"lost\","
                    "\"t_us\":1}",
                    "{\"kind\":\"lease\",\"instance\":\"a\",\"term\":1,\"event\":\"bogus\","
                    "\"t_us\":1}",
                    exec("a", 1, 20, 10),  // ends before it starts
                    "{\"kind\":\"final\",\"order_ids\":[1],\"t_us\":1}",
                    "{\"kind\":\"ack\",\"t_us\":1}", huge, "", "  ",
                    std::string("{\"kind\":\"exec\"") + std::string(100000, '['),
                    "{\"kind\":\"unknown\"}", exec("a", 1, 1, 2)});
    CHECK(h.execs.size() == 1);
    CHECK(h.lines == 13);
    CHECK(h.malformed == 12);
    auto v = check_history(h);
    CHECK(v.malformed == 12);
    CHECK(history::verdict_line(v).find("(12 malformed lines skipped): ok") != std::string::npos);
}

TEST_CASE("leader spans: how long a superseded leader still believed it led", "[history]") {
    auto h = parse({lease("a", 3, "acquired", 100), lease("b", 9, "acquired", 500),
                    exec("a", 3, 600, 700), lease("a", 3, "lost", 800), exec("b", 9, 510, 520)});
    auto spans = history::leader_spans(h);
    REQUIRE(spans.size() == 2);
    CHECK(spans[0].instance == "a");
    CHECK(spans[0].superseded_us == 500);
    CHECK(spans[0].ended_us == 800);
    CHECK(spans[0].end_event == "lost");
    CHECK(spans[0].believed_after_us == 300);
    CHECK(spans[0].ran_after_loss == 1);
    CHECK(spans[0].last_exec_end_us == 700);
    CHECK(spans[1].instance == "b");
    CHECK_FALSE(spans[1].superseded_us);
    CHECK(spans[1].believed_after_us == 0);
}

TEST_CASE("the recorder appends whole lines from many writers and stops at its bound",
          "[history]") {
    namespace fs = std::filesystem;
    auto path = fs::temp_directory_path() / ("history-recorder-" + std::to_string(getpid()));
    fs::remove(path);
    {
        service::HistoryRecorder a(path.string()), b(path.string());  // two descriptors
        std::vector<std::thread> threads;
        for (auto* r : {&a, &b, &a, &b})
            threads.emplace_back([r] {
                for (int i = 0; i < 500; ++i)
                    r->record(Json{{"kind", "order"}, {"order_id", std::string(200, 'o')},
                                   {"t_us", i}});
            });
        for (auto& t : threads) t.join();
    }
    auto h = history::read_history(path.string());
    CHECK(h.orders.size() == 2000);
    CHECK(h.malformed == 0);
    {
        service::HistoryRecorder small(path.string(), fs::file_size(path) + 300);
        for (int i = 0; i < 10; ++i)
            small.record(Json{{"kind", "order"}, {"order_id", "x"}, {"t_us", i}});
        CHECK_FALSE(small.active());
    }
    auto h2 = history::read_history(path.string());
    CHECK(h2.orders.size() > 2000);
    CHECK(h2.orders.size() < 2010);
    CHECK(h2.malformed == 0);
    fs::remove(path);
    CHECK(history::read_history(path.string()).lines == 0);  // missing: an empty history
    CHECK(service::HistoryRecorder::for_path("").get() == nullptr);
}
