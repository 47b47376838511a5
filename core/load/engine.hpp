#pragma once
// The load generator behind `aegis load`: a closed model (C calls in flight, the next sent when
// one completes) or an open model (calls sent on the schedule's clock whatever the service does,
// latency measured from the intended send time so that a stall is not hidden — coordinated
// omission corrected, as wrk2 does). NOT_ACTIVE replies of single-active services are retried
// with the sticky client's backoff (core/client/sticky_retry), same message_id.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/sticky_retry.hpp"
#include "core/load/payload.hpp"
#include "core/load/recorder.hpp"
#include "core/load/schedule.hpp"
#include "core/load/self_cpu.hpp"
#include "core/output/latency_buckets.hpp"

namespace aegis::nats {
class Connection;
}

namespace aegis::load {

struct LoadOptions {
    PayloadSpec payload;
    int concurrency = 10;               // closed model (when no schedule)
    std::optional<Schedule> schedule;   // open model
    double duration_s = 10;             // the measured run; +inf with --requests alone
    uint64_t requests = 0;              // 0: no limit
    double warmup_s = 0;                // before the measured run, results discarded
    std::chrono::milliseconds timeout{5000};
    int connections = 1;
    bool retry_not_active = true;
    // The sticky client's policy with a budget for load: a python-parity standby in the queue
    // group gets about half the attempts, so 3 attempts would fail 1 call in 8.
    RetryPolicy retry{10, std::chrono::milliseconds(10), 2.0, std::chrono::milliseconds(1000)};
    // How long to wait for calls still in flight after an interrupt (else: the timeout).
    std::chrono::milliseconds interrupt_drain{1000};
    std::function<bool()> stop;         // polled; true ends the run early (Ctrl-C)
};

struct Progress {
    double elapsed_s = 0, total_s = 0;  // total +inf when unknown
    double rps = 0;                     // completions per second over the last interval
    Snapshot snap;
    bool warmup = false;
};

struct LoadReport {
    std::string service, method;
    bool open_model = false;
    int concurrency = 0;
    int connections = 1;
    std::optional<double> target_rps;  // open model: the schedule's mean rate
    double elapsed_s = 0;
    uint64_t requests = 0, ok = 0, unfinished = 0, not_active_retries = 0;
    Errors errors;
    util::Summary latency_ms;
    std::vector<report::Bucket> histogram_ms;  // log-scaled, from the same histogram
    std::map<std::string, uint64_t> by_instance;
    std::vector<SecondRow> timeline;
    double throughput_rps = 0;  // completed calls (ok + errors) per second
    double sent_rps = 0;
    bool interrupted = false;
    GeneratorCpu generator;             // this process's CPU over the run (warm-up included)
    double generator_us_per_call = -1;  // its CPU per completed call; -1 with a warm-up
};

// Runs the load on `first` plus connections-1 more opened with the same options. `progress`
// (may be empty) is called about 4 times a second from a helper thread.
LoadReport run_load(const std::shared_ptr<nats::Connection>& first, const LoadOptions& options,
                    const std::function<void(const Progress&)>& progress = {});

// UsageError for options that make no sense together (checked before connecting).
void validate(const LoadOptions& options);

}  // namespace aegis::load
