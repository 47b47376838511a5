// The check step: NATS answers (round trip), JetStream is enabled, the registry bucket is
// readable, a KV bucket of the run's own can be created, written, read and deleted, and the
// connection goes through a kubectl port-forward.
#include "core/nats/connection.hpp"
#include <fmt/format.h>
#include <chrono>
#include <vector>
#include <string>
#include "core/nats/js_admin.hpp"
#include "core/nats/kv.hpp"
#include "core/registry/registry.hpp"
#include "core/scenario/run_state.hpp"
#include "core/util/duration.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::scenario {

using Clock = std::chrono::steady_clock;

namespace {

std::string check_nats(RunState& s, StepResult& out) {
    if (!s.conn()->is_connected()) throw StepFailed("not connected to NATS");
    auto t0 = Clock::now();
    s.conn()->flush(std::chrono::milliseconds(2000));
    double ms = util::millis(Clock::now() - t0);
    s.record(out, "check", "nats_rtt_ms", ms);
    return fmt::format("NATS {} ({:.2f} ms)", nats::redact_url(s.conn()->connected_url()), ms);
}

std::string check_jetstream(RunState& s, StepResult& out) {
    auto m = s.conn()->request("$JS.API.INFO", "", std::chrono::milliseconds(3000));
    Json info = wire::from_json(std::string(m.data()));
    if (info.contains("error"))
        throw StepFailed("JetStream is not enabled: " + info["error"].value("description", "?"));
    s.record(out, "check", "streams", static_cast<double>(nats::stream_names(*s.conn()).size()));
    return "JetStream";
}

std::string check_registry(RunState& s, StepResult& out) {
    registry::Registry reg(s.conn());
    registry::ListOptions lo;
    lo.include_stale = true;
    s.record(out, "check", "registered", static_cast<double>(reg.list(lo).size()));
    return "registry bucket";
}

std::string check_kv(RunState& s, StepResult&) {
    nats::BucketConfig c;
    c.name = "aegis_test_" + s.run_id;
    c.history = 1;
    auto kv = nats::KeyValue::open_or_create(s.conn(), c, std::chrono::milliseconds(3000));
    kv.put("probe", s.run_id);
    auto e = kv.get("probe");
    bool ok = e && e->value == s.run_id;
    nats::delete_stream(*s.conn(), "KV_" + c.name);
    if (!ok) throw StepFailed("KV bucket " + c.name + ": the value read back differs");
    return "KV put/get";
}

std::string check_port_forward(RunState& s, StepResult&) {
    if (!s.options.kubernetes) throw StepFailed("no port-forward: " + s.options.kubernetes_reason);
    if (!s.conn()->is_connected()) throw StepFailed("not connected through the port-forward");
    return "port-forward";
}

}  // namespace

void step_check(RunState& s, const Json& raw, StepResult& out) {
    Json items = s.subst(raw.is_array() ? raw : Json::array({raw}));
    std::vector<std::string> done;
    for (const auto& i : items) {
        std::string what = i.is_string() ? i.get<std::string>() : i.dump();
        if (what == "nats") done.push_back(check_nats(s, out));
        else if (what == "jetstream") done.push_back(check_jetstream(s, out));
        else if (what == "registry") done.push_back(check_registry(s, out));
        else if (what == "kv") done.push_back(check_kv(s, out));
        else if (what == "port_forward") done.push_back(check_port_forward(s, out));
        else throw StepFailed("check knows nats, jetstream, registry, kv, port_forward; not '" +
                              what + "'");
        out.title = "check " + fmt::format("{}", fmt::join(done, ", "));
    }
}

}  // namespace aegis::scenario
