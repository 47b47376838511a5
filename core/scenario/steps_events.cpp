// Steps about events and commands: publish (AegisSDK events through JetStream), expect_events
// (how many each instance of a group processed, read from what the instances logged) and
// command (send one, follow progress to completion).
#include <fstream>
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include "core/client/command_sender.hpp"
#include "core/client/event_publisher.hpp"
#include "core/scenario/loader.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"

namespace aegis::scenario {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

void step_publish(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string domain = s.str(a, "domain"), type = s.str(a, "type");
    int count = a.value("count", 1);
    if (count < 1 || count > 100000) throw StepFailed("publish.count must be 1–100000");
    EventPublisher pub(s.conn(), "aegis-test-" + s.run_id);
    Json payload = a.value("payload", Json::object());
    auto t0 = Clock::now();
    for (int n = 1; n <= count; ++n) {
        payload["seq"] = n;
        pub.publish(domain, type, payload);
    }
    std::string prefix = s.str(a, "record", "publish");
    s.record(out, prefix, "published", count);
    s.record(out, prefix, "ms", util::millis(Clock::now() - t0));
    out.title = fmt::format("publish {} × {}.{}", count, domain, type);
}

// Events an instance processed in `domain`: the events-sub demo logs one "got <domain>.<type>"
// line per processed event (redeliveries it deduplicated are not logged).
int processed(const Instance& i, const std::string& domain) {
    std::ifstream in(i.log);
    int n = 0;
    std::string needle = " got " + domain + ".";
    for (std::string line; std::getline(in, line);)
        if (line.find(needle) != std::string::npos) ++n;
    return n;
}

void step_expect_events(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    auto group = s.group(s.str(a, "of"));
    if (group.empty()) throw StepFailed("expect_events.of names no spawned group");
    std::string domain = s.str(a, "domain");
    bool has_each = a.contains("each"), has_total = a.contains("total");
    int each = a.value("each", 0), total = a.value("total", 0);
    auto counts = [&] {
        std::vector<int> c;
        for (auto* i : group) c.push_back(processed(*i, domain));
        return c;
    };
    auto enough = [&] {
        auto c = counts();
        int sum = 0;
        bool all = true;
        for (int n : c) sum += n, all = all && n >= each;
        return (!has_each || all) && (!has_total || sum >= total);
    };
    s.wait_until(enough, parse_duration(a.value("timeout", Json("10s"))), milliseconds(50));
    // Late extras (a duplicate, a second receiver) count too: look once more after a pause.
    s.wait_until([] { return false; }, parse_duration(a.value("settle", Json("500ms"))));
    auto c = counts();
    int sum = 0, receivers = 0;
    std::string per;
    for (size_t k = 0; k < group.size(); ++k) {
        sum += c[k];
        receivers += c[k] > 0;
        per += fmt::format("{}{}={}", per.empty() ? "" : ", ", group[k]->id, c[k]);
    }
    std::string prefix = s.str(a, "record", "events");
    s.record(out, prefix, "total", sum);
    s.record(out, prefix, "receivers", receivers);
    out.title = fmt::format("events {}.* processed: {} in total ({})", domain, sum, per);
    for (size_t k = 0; k < group.size(); ++k)
        if (has_each && c[k] != each)
            throw StepFailed(fmt::format("instance {} processed {} events, expected exactly {} ({})",
                                         group[k]->id, c[k], each, per));
    if (has_total && sum != total)
        throw StepFailed(fmt::format("{} events processed in total, expected exactly {} ({})", sum,
                                     total, per));
    if (a.contains("receivers") && receivers != a["receivers"].get<int>())
        throw StepFailed(fmt::format("{} instances processed events, expected exactly {} ({})",
                                     receivers, a["receivers"].get<int>(), per));
}

void step_command(RunState& s, const Json& raw, StepResult& out) {
    Json a = s.subst(raw);
    std::string service = s.str(a, "service"), command = s.str(a, "command");
    CommandSender sender(s.conn(), "aegis-test-" + s.run_id);
    SendCommandOptions o;
    o.timeout = parse_duration(a.value("timeout", Json("30s")));
    o.cancelled = [&s] { return s.out_of_time(); };
    auto t0 = Clock::now();
    CommandOutcome r;
    try {
        r = sender.send(service, command, a.value("payload", Json::object()), o);
    } catch (const TimeoutError& e) {
        throw StepFailed(std::string("no completion: ") + e.what());
    }
    for (const char* kind : {"progress", "callback"})
        s.subjects.emplace_back(commands_stream_config().name,
                                "commands." + std::string(kind) + "." + r.command_id);
    std::string prefix = s.str(a, "record", "command");
    s.record(out, prefix, "progress_updates", static_cast<double>(r.progress.size()));
    s.record(out, prefix, "ms", util::millis(Clock::now() - t0));
    s.record(out, prefix, "last_progress", r.progress.empty() ? 0 : r.progress.back().progress);
    out.title = fmt::format("command {}.{}: {} after {} progress updates in {:.0f} ms", service,
                            command, r.status, r.progress.size(), out.figures["ms"]);
    std::string want = s.str(a, "expect_status", "completed");
    if (r.status != want)
        throw StepFailed(fmt::format("status '{}', expected '{}': {}", r.status, want,
                                     r.completion.dump()));
    int min_progress = a.value("min_progress", 0);
    if (static_cast<int>(r.progress.size()) < min_progress)
        throw StepFailed(fmt::format("{} progress updates, expected at least {}",
                                     r.progress.size(), min_progress));
}

}  // namespace

StepFn event_step(const std::string& kind) {
    if (kind == "publish") return step_publish;
    if (kind == "expect_events") return step_expect_events;
    if (kind == "command") return step_command;
    return nullptr;
}

}  // namespace aegis::scenario
