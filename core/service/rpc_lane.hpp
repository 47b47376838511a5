#pragma once
// One method's lane: the requests admitted for it wait in a bounded queue and run on up to N
// threads of its own, so a slow method never holds up a fast one and a flood never grows
// without bound. The lane only keeps order and counts; answering is the service's business.
// A quick method whose lane is idle skips the hand-off: submit() runs the job on the caller's
// (the subscription's delivery) thread, as the lane's one running job.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/nats/message.hpp"
#include "core/wire/envelope.hpp"

namespace aegis::service {

using LaneClock = std::chrono::steady_clock;

struct LaneJob {
    nats::Msg msg;
    wire::RpcRequest request;
    wire::Format format = wire::Format::msgpack;
    LaneClock::time_point arrived{};
    // The caller's timeout (or the method's max queue wait) from arrival: a job not started by
    // then is dropped, its caller has given up.
    LaneClock::time_point start_by{};
};

struct LaneCounters {
    uint64_t queued = 0;     // waiting now
    uint64_t in_flight = 0;  // running now
    uint64_t shed = 0;       // answered OVERLOADED (queue full)
    uint64_t expired = 0;    // dropped unrun: the caller's deadline had passed
    uint64_t refused = 0;    // answered SHUTTING_DOWN
    uint64_t max_pending = 0;
    uint64_t ran_inline = 0;  // jobs submit() ran on the caller's thread
    int threads = 0;
};

class Lane {
public:
    using Run = std::function<void(LaneJob&)>;
    Lane() = default;
    ~Lane();
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

    // `run` answers one job; at most `max_threads` run at once, `max_pending` more may wait.
    void open(size_t max_pending, int max_threads, Run run);
    enum class Admit { queued, full, closed, ran };
    // Queues the job, or hands it back untouched (full: answer OVERLOADED; closed: stopping).
    Admit push(LaneJob& job);
    // As push(), but runs the job here and now (ran) when nothing of this method runs or waits
    // and its last job took less than k_quick: no thread hand-off, order and bounds unchanged.
    Admit submit(LaneJob& job);
    // A job this long or longer sends the next ones to the lane threads (a slow handler on the
    // delivery thread would hold up this method's admission, and with it its OVERLOADED answers).
    static constexpr auto k_quick = std::chrono::milliseconds(1);
    // Stops taking jobs and returns those still queued (the caller refuses them).
    std::vector<LaneJob> close();
    // Waits until no job runs, `until` passes or `cut()` says stop waiting; true when idle.
    bool wait_idle(LaneClock::time_point until, const std::function<bool()>& cut);
    // Joins the threads that have ended; detaches those still running a handler (after the
    // grace period) and returns how many were left running.
    int release_threads();

    void count_refused(uint64_t n = 1);
    // Cheap reads for the refusal path (no sweep: a flood calls them for every request).
    uint64_t shed_count() const;
    size_t max_pending() const;
    LaneCounters counters() const;
    // Full now (after dropping expired jobs), or shed a request within `window`.
    bool overloaded(LaneClock::time_point now, std::chrono::milliseconds window) const;

private:
    void work();
    Admit push_locked(LaneJob& job);
    // Runs one job (the lock not held) and returns how long it took.
    LaneClock::duration run_one(LaneJob& job);
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;       // work arrived, or the lane closed
    std::condition_variable m_idle_cv;  // a job finished
    // Mutable: a read of the counters first drops the jobs whose callers have given up (a lane
    // whose threads are all busy would otherwise hold them, and look full, until one is free).
    void sweep_locked(LaneClock::time_point now) const;
    mutable std::deque<LaneJob> m_queue;
    std::vector<std::thread> m_threads;
    Run m_run;
    size_t m_max_pending = 0;
    int m_max_threads = 1;
    int m_idle = 0;
    int m_running = 0;
    int m_live = 0;  // threads that have not returned from work()
    bool m_closed = true;
    bool m_quick = false;  // the last job ran in under k_quick: the next may run inline
    uint64_t m_ran_inline = 0;
    uint64_t m_shed = 0, m_refused = 0;
    mutable uint64_t m_expired = 0;
    LaneClock::time_point m_last_shed{};
};

}  // namespace aegis::service
