#include "core/service/rpc_lane.hpp"

#include <algorithm>
#include <utility>

namespace aegis::service {

Lane::~Lane() {
    close();
    release_threads();
}

void Lane::open(size_t max_pending, int max_threads, Run run) {
    std::lock_guard lk(m_mutex);
    if (!m_closed) return;  // open already (a re-subscribed leader-only method)
    m_run = std::move(run);
    m_max_pending = std::max<size_t>(1, max_pending);
    m_max_threads = std::max(1, max_threads);
    m_closed = false;
}

Lane::Admit Lane::push(LaneJob& job) {
    std::lock_guard lk(m_mutex);
    return push_locked(job);
}

Lane::Admit Lane::submit(LaneJob& job) {
    {
        std::lock_guard lk(m_mutex);
        // Anything queued or running goes first (order), and a closed lane refuses.
        if (m_closed || !m_quick || m_running > 0 || !m_queue.empty()) return push_locked(job);
        if (LaneClock::now() > job.start_by) {
            ++m_expired;
            return Admit::ran;  // nobody waits for it: dropped unrun, as a lane thread would
        }
        ++m_running;  // the lane's one running job: its threads wait, stop() waits for it
        ++m_ran_inline;
    }
    auto took = run_one(job);
    bool wake;
    {
        std::lock_guard lk(m_mutex);
        --m_running;
        m_quick = took < k_quick;
        wake = !m_queue.empty();  // queued meanwhile (another thread): a lane thread takes it
    }
    if (wake) m_cv.notify_one();
    m_idle_cv.notify_all();
    return Admit::ran;
}

LaneClock::duration Lane::run_one(LaneJob& job) {
    auto t0 = LaneClock::now();
    m_run(job);
    job = LaneJob{};  // release the message before taking the lock again
    return LaneClock::now() - t0;
}

Lane::Admit Lane::push_locked(LaneJob& job) {
    if (m_closed) return Admit::closed;
    if (m_queue.size() >= m_max_pending) {
        // Jobs whose callers have given up make room before anyone is turned away.
        while (!m_queue.empty() && m_queue.front().start_by < job.arrived) {
            m_queue.pop_front();
            ++m_expired;
        }
        if (m_queue.size() >= m_max_pending) {
            ++m_shed;
            m_last_shed = job.arrived;
            return Admit::full;
        }
    }
    m_queue.push_back(std::move(job));
    // Threads start on demand: a method that is never called costs none.
    if (m_idle == 0 && m_live < m_max_threads) {
        ++m_live;
        m_threads.emplace_back([this] { work(); });
    } else {
        m_cv.notify_one();
    }
    return Admit::queued;
}

void Lane::work() {
    std::unique_lock lk(m_mutex);
    for (;;) {
        ++m_idle;
        // Never more than m_max_threads at once, an inline job included.
        m_cv.wait(lk, [this] {
            return m_closed || (!m_queue.empty() && m_running < m_max_threads);
        });
        --m_idle;
        if (m_queue.empty()) break;  // closed
        LaneJob job = std::move(m_queue.front());
        m_queue.pop_front();
        if (LaneClock::now() > job.start_by) {
            // The caller's timeout has passed: nobody waits for this answer any more.
            ++m_expired;
            continue;
        }
        ++m_running;
        lk.unlock();
        auto took = run_one(job);
        lk.lock();
        --m_running;
        m_quick = took < k_quick;
        m_idle_cv.notify_all();
    }
    --m_live;
    m_idle_cv.notify_all();
}

std::vector<LaneJob> Lane::close() {
    std::vector<LaneJob> out;
    {
        std::lock_guard lk(m_mutex);
        m_closed = true;
        out.reserve(m_queue.size());
        for (auto& j : m_queue) out.push_back(std::move(j));
        m_queue.clear();
    }
    m_cv.notify_all();
    return out;
}

bool Lane::wait_idle(LaneClock::time_point until, const std::function<bool()>& cut) {
    std::unique_lock lk(m_mutex);
    while (m_running > 0) {
        auto now = LaneClock::now();
        if (now >= until || (cut && cut())) return false;
        // Woken by each finished job; the short step notices a cut (a second signal).
        m_idle_cv.wait_until(lk, std::min(until, now + std::chrono::milliseconds(50)));
    }
    return true;
}

int Lane::release_threads() {
    std::vector<std::thread> threads;
    int running;
    {
        std::lock_guard lk(m_mutex);
        threads.swap(m_threads);
        running = m_running;
    }
    for (auto& t : threads) {
        if (running > 0)
            t.detach();  // a handler past the grace period: the process exits without it
        else
            t.join();  // idle threads see the closed lane and return at once
    }
    return running;
}

uint64_t Lane::shed_count() const {
    std::lock_guard lk(m_mutex);
    return m_shed;
}

size_t Lane::max_pending() const {
    std::lock_guard lk(m_mutex);
    return m_max_pending;
}

void Lane::count_refused(uint64_t n) {
    std::lock_guard lk(m_mutex);
    m_refused += n;
}

void Lane::sweep_locked(LaneClock::time_point now) const {
    // At most max_pending jobs: a scan is cheap next to the request that asked.
    m_expired += std::erase_if(m_queue, [now](const LaneJob& j) { return j.start_by < now; });
}

LaneCounters Lane::counters() const {
    std::lock_guard lk(m_mutex);
    sweep_locked(LaneClock::now());
    LaneCounters c;
    c.queued = m_queue.size();
    c.in_flight = static_cast<uint64_t>(m_running);
    c.shed = m_shed;
    c.expired = m_expired;
    c.refused = m_refused;
    c.max_pending = m_max_pending;
    c.ran_inline = m_ran_inline;
    c.threads = m_live;
    return c;
}

bool Lane::overloaded(LaneClock::time_point now, std::chrono::milliseconds window) const {
    std::lock_guard lk(m_mutex);
    sweep_locked(now);
    if (!m_closed && m_queue.size() >= m_max_pending) return true;
    return m_last_shed != LaneClock::time_point{} && now - m_last_shed < window;
}

}  // namespace aegis::service
