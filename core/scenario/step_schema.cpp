#include "core/scenario/step_schema.hpp"
#include <vector>
#include <string>

namespace aegis::scenario {

const char* arg_type_name(ArgType t) noexcept {
    switch (t) {
        case ArgType::string: return "a string";
        case ArgType::integer: return "an integer";
        case ArgType::number: return "a number";
        case ArgType::boolean: return "true or false";
        case ArgType::duration: return "a duration (500ms, 2s, 1m or seconds)";
        case ArgType::mapping: return "a mapping";
        case ArgType::list: return "a list";
        case ArgType::any: return "a value";
    }
    return "a value";
}

namespace {
using T = ArgType;
constexpr bool req = true;

// call's `expect`: the checks of docs/scenarios.md ("call: RPCs with expectations").
const std::vector<ArgSpec> k_expect_keys = {
    {"result", T::any},  // its value is the user's: compared with the reply
    {.key = "error", .type = T::string, .alone = true},
    {"instance", T::string},
    {"not_instance", T::string},
    {"instances", T::integer},
    {"spread_over", T::string},
    {.key = "fairness", .type = T::number, .needs = "spread_over"},
};
// partition's `probe`: the calls made while the node is cut (docs/scenarios.md).
const std::vector<ArgSpec> k_probe_keys = {
    {"service", T::string, req},
    {"method", T::string, req},
    {"params", T::mapping},
    {"timeout", T::duration},
};
}  // namespace

const std::vector<KindSpec>& step_kinds() {
    static const std::vector<KindSpec> kinds = {
        {"spawn", Shape::mapping,
         {{"demo", T::string}, {"command", T::list}, {"service", T::string},
          {"count", T::integer}, {"as", T::string}, {"args", T::list}, {"ready", T::string},
          {"fault_proxy", T::boolean},
          {"ready_log", T::string}, {"timeout", T::duration}, {"server", T::string}}},
        {"call", Shape::mapping,
         {{"service", T::string, req}, {"method", T::string, req}, {"params", T::mapping},
          {"count", T::integer}, {"timeout", T::duration}, {"attempts", T::integer},
          {"retry_timeouts", T::boolean}, {"expect", T::mapping, false, &k_expect_keys},
          {"until", T::duration},
          {"record", T::string}}},
        {"load", Shape::mapping,
         {{"service", T::string, req}, {"method", T::string, req}, {"params", T::mapping},
          {"rate", T::number}, {"concurrency", T::integer}, {"duration", T::duration, req},
          {"timeout", T::duration}, {"max_error_rate", T::number}, {"max_p99_ms", T::number},
          {"min_throughput", T::number}, {"record", T::string}}},
        {"publish", Shape::mapping,
         {{"domain", T::string, req}, {"type", T::string, req}, {"count", T::integer},
          {"payload", T::mapping}, {"record", T::string}}},
        {"expect_events", Shape::mapping,
         {{"of", T::string, req}, {"domain", T::string, req}, {"each", T::integer},
          {"total", T::integer}, {"receivers", T::integer}, {"timeout", T::duration},
          {"settle", T::duration}, {"record", T::string}}},
        {"kill", Shape::mapping,
         {{"leader", T::string}, {"group", T::string}, {"instance", T::string},
          {"index", T::integer}, {"signal", T::string}, {"expect_new_leader", T::duration},
          {"record", T::string}}},
        {"kill_pod", Shape::mapping,
         {{"service", T::string, req}, {"who", T::string}, {"group", T::string},
          {"namespace", T::string}, {"force", T::boolean}, {"expect_new_leader", T::duration},
          {"record", T::string}}},
        {"stop_server", Shape::optional_mapping, {}},
        {"restart_server", Shape::optional_mapping, {{"timeout", T::duration}}},
        {"wait_for", Shape::mapping,
         {{"leader", T::string}, {"not", T::string}, {"group", T::string},
          {"instances", T::string}, {"count", T::integer}, {"registered", T::string},
          {"service", T::string}, {"state", T::string}, {"stale_after", T::duration},
          {"timeout", T::duration}, {"record", T::string}}},
        {"failover", Shape::mapping,
         {{"service", T::string, req}, {"spawn", T::integer}, {"demo", T::string},
          {"kill", T::string}, {"fault", T::string}, {"fault_duration", T::duration},
          {"latency", T::duration}, {"jitter", T::duration}, {"method", T::string},
          {"params", T::mapping}, {"trials", T::integer}, {"policy", T::string},
          {"rate", T::number}, {"duration", T::duration}, {"max_wait", T::duration},
          {"max_first_success_ms", T::number}, {"max_lost", T::integer},
          {"max_duplicates", T::integer}, {"max_split_brain", T::integer},
          {"record", T::string}}},
        {"command", Shape::mapping,
         {{"service", T::string, req}, {"command", T::string, req}, {"payload", T::mapping},
          {"timeout", T::duration}, {"expect_status", T::string}, {"min_progress", T::integer},
          {"record", T::string}}},
        {"check", Shape::list, {}, {"nats", "jetstream", "registry", "kv", "port_forward"}},
        {"assert", Shape::list, {}},
        {"sleep", Shape::scalar, {}},
        {"leftovers", Shape::optional_mapping, {{"sweep", T::boolean}}},
        // Node faults of a cluster in network namespaces (steps_cluster_fault.cpp).
        // Network faults: on a NATS node of the scenario's namespaced cluster (`node`,
        // `stream_leader`: steps_cluster_fault.cpp), or on a spawned instance's link to NATS
        // through its fault proxy (aimed as kill is: leader, instance, or group + index;
        // steps_network.cpp). steps_faults.cpp sends each step to one or the other.
        {"partition", Shape::mapping,
         {{"node", T::integer}, {"stream_leader", T::string}, {"duration", T::duration},
          {"probe", T::mapping, false, &k_probe_keys}, {"timeout", T::duration},
          {"record", T::string}, {"leader", T::string}, {"group", T::string},
          {"instance", T::string}, {"index", T::integer}}},
        {"heal", Shape::optional_mapping,
         {{"node", T::integer}, {"stream_leader", T::string}, {"timeout", T::duration},
          {"record", T::string}, {"leader", T::string}, {"group", T::string},
          {"instance", T::string}, {"index", T::integer}}},
        {"delay", Shape::mapping,
         {{"node", T::integer}, {"stream_leader", T::string}, {"by", T::duration},
          {"duration", T::duration}, {"leader", T::string}, {"group", T::string},
          {"instance", T::string}, {"index", T::integer}, {"latency", T::duration},
          {"jitter", T::duration}}},
    };
    return kinds;
}

const KindSpec* find_kind(const std::string& kind) {
    for (const auto& k : step_kinds())
        if (kind == k.kind) return &k;
    return nullptr;
}

}  // namespace aegis::scenario
