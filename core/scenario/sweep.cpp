#include "core/scenario/sweep.hpp"
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>

#include "core/nats/connection.hpp"
#include "core/nats/consumer.hpp"
#include "core/nats/js_admin.hpp"
#include "core/nats/kv.hpp"
#include "core/nats/kv_list.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/error.hpp"
#include "core/util/process.hpp"
#include "core/wire/names.hpp"

namespace aegis::scenario {

namespace {

constexpr const char* k_events_stream = "EVENTS";
constexpr const char* k_leadership_events = "events.sticky_active.>";

bool has(const std::string& name, const std::string& id) {
    return name.find(id) != std::string::npos;
}

template <class F>
void attempt(std::vector<std::string>& problems, const std::string& what, F f) {
    try {
        f();
    } catch (const std::exception& e) {
        problems.push_back(what + ": " + e.what());
    }
}

// An instance the run started, by the id it gave it: a program of the user's may run under a
// name without the run id, and one the run killed could not deregister.
bool started_by_run(RunState& s, const std::string& key) {
    std::string service, instance;
    return wire::parse_registry_key(key, service, instance) && s.find_instance(instance);
}

// Registry keys of the run's services (their names carry the run id) and of its instances.
std::vector<std::string> registry_keys(RunState& s) {
    std::vector<std::string> out;
    try {
        auto kv = nats::KeyValue::open(s.conn(), wire::k_registry_bucket, std::chrono::seconds(2));
        for (const auto& k : kv.keys())
            if (has(k, s.run_id) || started_by_run(s, k)) out.push_back(k);
    } catch (const NotFoundError&) {
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> consumers(RunState& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& stream : nats::stream_names(*s.conn()))
        for (const auto& c : nats::consumer_names(*s.conn(), stream))
            if (has(c, s.run_id)) out.emplace_back(stream, c);
    return out;
}

// Messages on subjects that carry the run id in the shared streams (EVENTS, COMMANDS, the
// registry bucket's history and delete markers, ...): (stream, subject, count).
struct Stored {
    std::string stream, subject;
    uint64_t count;
};
std::vector<Stored> stored_subjects(RunState& s) {
    std::vector<Stored> out;
    for (const auto& [stream, subject] : s.subjects)
        if (auto n = nats::subject_messages(*s.conn(), stream, subject))
            out.push_back({stream, subject, n});
    for (const auto& stream : nats::stream_names(*s.conn()))
        if (!has(stream, s.run_id))
            for (const auto& [subject, n] : nats::stream_subjects(*s.conn(), stream))
                if (has(subject, s.run_id)) out.push_back({stream, subject, n});
    return out;
}

}  // namespace

std::vector<std::string> sweep(RunState& s) {
    std::vector<std::string> problems;
    s.stop_processes();
    if (!s.conn() || !s.conn()->is_connected()) {
        problems.push_back("not connected to NATS: nothing could be removed");
        return problems;
    }
    attempt(problems, "registry", [&] {
        auto keys = registry_keys(s);
        if (keys.empty()) return;
        auto kv = nats::KeyValue::open(s.conn(), wire::k_registry_bucket, std::chrono::seconds(2));
        for (const auto& k : keys) kv.purge(k);  // watchers see the entry go
    });
    attempt(problems, "consumers", [&] {
        for (const auto& [stream, c] : consumers(s)) nats::delete_consumer(*s.conn(), stream, c);
    });
    attempt(problems, "streams", [&] {
        for (const auto& name : nats::stream_names(*s.conn()))
            if (has(name, s.run_id)) nats::delete_stream(*s.conn(), name);  // KV buckets too
    });
    // Then every message left on the run's subjects: events, commands, registry history and
    // the purge markers just written.
    attempt(problems, "messages", [&] {
        for (const auto& m : stored_subjects(s)) nats::purge_subject(*s.conn(), m.stream, m.subject);
        // The leadership events single-active services publish name the service in the body.
        nats::messages_containing(*s.conn(), k_events_stream, k_leadership_events, s.run_id, true);
    });
    return problems;
}

std::vector<std::string> leftovers(RunState& s) {
    std::vector<std::string> out;
    for (const auto& i : s.instances)
        if (i.pid > 0 && util::alive(i.pid))
            out.push_back(fmt::format("process {} (pid {})", i.id, i.pid));
    if (!s.conn() || !s.conn()->is_connected()) return out;
    attempt(out, "listing", [&] {
        for (const auto& k : registry_keys(s)) out.push_back("registry key " + k);
        for (const auto& b : nats::kv_bucket_names(*s.conn()))
            if (has(b, s.run_id)) out.push_back("KV bucket " + b);
        for (const auto& name : nats::stream_names(*s.conn()))
            if (has(name, s.run_id) && name.rfind("KV_", 0) != 0) out.push_back("stream " + name);
        for (const auto& [stream, c] : consumers(s))
            out.push_back("consumer " + c + " on " + stream);
        for (const auto& m : stored_subjects(s))
            out.push_back(fmt::format("{} message(s) on {} in {}", m.count, m.subject, m.stream));
        if (auto n = nats::messages_containing(*s.conn(), k_events_stream, k_leadership_events,
                                               s.run_id, false))
            out.push_back(fmt::format("{} leadership event(s) in {}", n, k_events_stream));
    });
    return out;
}

}  // namespace aegis::scenario
