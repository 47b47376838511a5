#include "core/load/engine.hpp"
#include <functional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>

#include "core/load/lane.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"

namespace aegis::load {

namespace {

using namespace std::chrono_literals;

Clock::time_point after(Clock::time_point t, double seconds) {
    if (!std::isfinite(seconds)) return Clock::time_point::max();
    return t + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

class Run {
public:
    Run(const std::shared_ptr<nats::Connection>& first, const LoadOptions& o,
        const std::function<void(const Progress&)>& progress);
    LoadReport go();

private:
    void on_done(Lane& lane, Call&& call, Completion&& c);
    bool may_send(Clock::time_point at, bool measured);
    void send_new(Clock::time_point intended);
    void closed_model();
    void open_model();
    void pace(const Schedule& s, Clock::time_point origin);
    void timer_loop();
    void tick(Clock::time_point now);
    void drain();
    bool stopping();
    LoadReport report();

    const LoadOptions& m_o;
    std::function<void(const Progress&)> m_progress;
    PayloadFactory m_factory;
    std::unique_ptr<Recorder> m_rec;
    std::vector<std::unique_ptr<Lane>> m_lanes;  // after m_rec: closed before it goes
    std::atomic<uint64_t> m_rr{0}, m_seq{0}, m_claimed{0}, m_measured_sent{0};
    std::atomic<int64_t> m_outstanding{0};
    std::atomic<bool> m_sending{true}, m_interrupted{false}, m_timer_stop{false};
    Clock::time_point m_start, m_measure_start, m_end, m_sending_ended;
    std::mutex m_retry_mutex;
    std::multimap<Clock::time_point, std::pair<Lane*, Call>> m_retries;
    uint64_t m_last_done = 0;
    Clock::time_point m_last_progress;
    CpuSample m_cpu_from, m_cpu_to;
};

Run::Run(const std::shared_ptr<nats::Connection>& first, const LoadOptions& o,
         const std::function<void(const Progress&)>& progress)
    : m_o(o), m_progress(progress), m_factory(o.payload) {
    auto done = [this](Lane& l, Call&& c, Completion&& r) { on_done(l, std::move(c), std::move(r)); };
    m_lanes.push_back(std::make_unique<Lane>(first, m_factory.subject(), done));
    for (int i = 1; i < o.connections; ++i) {
        nats::ConnectOptions co = first->options();
        co.name = "aegis load #" + std::to_string(i + 1);
        co.on_disconnected = co.on_reconnected = co.on_closed = nullptr;
        m_lanes.push_back(
            std::make_unique<Lane>(nats::Connection::connect(co), m_factory.subject(), done));
    }
}

bool Run::stopping() {
    if (m_o.stop && m_o.stop()) {
        m_interrupted = true;
        m_sending = false;
    }
    return !m_sending;
}

// Claims one call of the --requests budget for a measured call; false once sending is over.
bool Run::may_send(Clock::time_point at, bool measured) {
    if (!m_sending) return false;
    if (at >= m_end) {
        m_sending = false;
        return false;
    }
    if (measured && m_o.requests > 0 && m_claimed.fetch_add(1) >= m_o.requests) {
        m_sending = false;
        return false;
    }
    return true;
}

void Run::send_new(Clock::time_point intended) {
    bool measured = intended >= m_measure_start;
    if (!may_send(intended, measured)) return;
    uint64_t seq = ++m_seq;
    if (measured) ++m_measured_sent;
    Call call{seq, measured, intended, 0, std::make_shared<const std::string>(m_factory.make(seq))};
    ++m_outstanding;
    m_lanes[m_rr++ % m_lanes.size()]->send(std::move(call), m_o.timeout);
}

void Run::on_done(Lane& lane, Call&& call, Completion&& c) {
    auto now = Clock::now();
    if (c.outcome == Outcome::not_active && m_o.retry_not_active &&
        call.attempt + 1 < m_o.retry.attempts) {
        if (call.measured) m_rec->count_retry();
        ++call.attempt;
        auto due = now + m_o.retry.delay_before(call.attempt);
        std::lock_guard lock(m_retry_mutex);
        m_retries.emplace(due, std::make_pair(&lane, std::move(call)));
        return;
    }
    if (call.measured) m_rec->record(c, now);
    --m_outstanding;
    if (!m_o.schedule) send_new(now);  // closed model: the slot goes on
}

void Run::closed_model() {
    for (int i = 0; i < m_o.concurrency && m_sending; ++i) send_new(Clock::now());
    while (!stopping()) {
        if (Clock::now() >= m_end) m_sending = false;
        std::this_thread::sleep_for(5ms);
    }
}

void Run::pace(const Schedule& s, Clock::time_point origin) {
    Pacer pacer(s);
    while (auto offset = pacer.next()) {
        auto due = after(origin, *offset);
        if (due >= m_end) break;
        for (auto now = Clock::now(); now < due; now = Clock::now()) {
            if (stopping()) return;
            std::this_thread::sleep_until(std::min(due, now + 50ms));
        }
        if (stopping()) return;
        send_new(due);
    }
}

void Run::open_model() {
    const Schedule& s = *m_o.schedule;
    if (m_o.warmup_s > 0) {
        double rate = 0;
        for (const auto& g : s.segments()) rate = rate > 0 ? rate : std::max(g.from_rps, g.to_rps);
        pace(Schedule::constant(rate, m_o.warmup_s), m_start);
    }
    if (m_sending) pace(s, m_measure_start);
    m_sending = false;
}

void Run::tick(Clock::time_point now) {
    std::vector<std::pair<Lane*, Call>> due;
    {
        std::lock_guard lock(m_retry_mutex);
        while (!m_retries.empty() && m_retries.begin()->first <= now) {
            due.push_back(std::move(m_retries.begin()->second));
            m_retries.erase(m_retries.begin());
        }
    }
    for (auto& [lane, call] : due) lane->send(std::move(call), m_o.timeout);
    for (auto& l : m_lanes) l->expire(now);
    if (!m_progress || now - m_last_progress < 250ms) return;
    Progress p;
    p.snap = m_rec->snapshot();
    p.warmup = now < m_measure_start;
    p.elapsed_s = seconds(now - (p.warmup ? m_start : m_measure_start));
    p.total_s = p.warmup ? m_o.warmup_s : m_o.duration_s;
    p.rps = static_cast<double>(p.snap.done - m_last_done) / seconds(now - m_last_progress);
    m_last_done = p.snap.done;
    m_last_progress = now;
    m_progress(p);
}

void Run::timer_loop() {
    while (!m_timer_stop) {
        std::this_thread::sleep_for(2ms);
        tick(Clock::now());
    }
}

// Waits for the calls still in flight: up to the timeout (they time out by then), or briefly
// after an interrupt.
void Run::drain() {
    auto limit = m_interrupted ? m_o.interrupt_drain : m_o.timeout + 500ms;
    auto deadline = Clock::now() + limit;
    while (m_outstanding > 0 && Clock::now() < deadline) {
        if (!m_interrupted && m_o.stop && m_o.stop()) {
            m_interrupted = true;
            deadline = std::min(deadline, Clock::now() + m_o.interrupt_drain);
        }
        std::this_thread::sleep_for(2ms);
    }
}

LoadReport Run::go() {
    m_cpu_from = sample_cpu();
    m_start = Clock::now();
    m_last_progress = m_start;
    m_measure_start = after(m_start, m_o.warmup_s);
    m_end = after(m_measure_start, m_o.duration_s);
    int seconds = std::isfinite(m_o.duration_s) ? static_cast<int>(std::ceil(m_o.duration_s)) : 0;
    m_rec = std::make_unique<Recorder>(m_measure_start, seconds);
    std::thread timer([this] { timer_loop(); });
    try {
        m_o.schedule ? open_model() : closed_model();
    } catch (...) {
        m_sending = false;
        m_timer_stop = true;
        timer.join();
        throw;
    }
    m_sending_ended = Clock::now();
    drain();
    m_cpu_to = sample_cpu();  // before the lanes close: their delivery threads end with them
    m_timer_stop = true;
    timer.join();
    for (auto& l : m_lanes) l->close();
    return report();
}

double mean_rps(const Schedule& s) {
    double area = 0, length = 0;
    for (const auto& g : s.segments()) {
        if (!std::isfinite(g.length_s)) return g.from_rps;
        area += (g.from_rps + g.to_rps) / 2 * g.length_s;
        length += g.length_s;
    }
    return length > 0 ? area / length : 0;
}

LoadReport Run::report() {
    auto last = std::max(m_rec->last_completion(), m_sending_ended);
    m_rec->finish(last);
    LoadReport r;
    r.service = m_o.payload.service;
    r.method = m_o.payload.method;
    r.open_model = m_o.schedule.has_value();
    r.concurrency = r.open_model ? 0 : m_o.concurrency;
    r.connections = static_cast<int>(m_lanes.size());
    if (r.open_model) r.target_rps = mean_rps(*m_o.schedule);
    r.elapsed_s = std::max(1e-3, seconds(last - m_measure_start));
    double sending_s = std::max(1e-3, seconds(m_sending_ended - m_measure_start));
    r.ok = m_rec->ok();
    r.errors = m_rec->errors();
    uint64_t completed = r.ok + r.errors.total();
    r.requests = m_measured_sent;
    r.unfinished = r.requests > completed ? r.requests - completed : 0;
    r.not_active_retries = m_rec->not_active_retries();
    r.latency_ms = util::summarise(m_rec->latency());  // nanoseconds, to milliseconds:
    for (double* v : {&r.latency_ms.min, &r.latency_ms.p50, &r.latency_ms.p90, &r.latency_ms.p99,
                      &r.latency_ms.p999, &r.latency_ms.max, &r.latency_ms.mean})
        *v /= 1e6;
    r.by_instance = m_rec->by_instance();
    r.histogram_ms = report::log_buckets(m_rec->latency(), 1e6);  // nanoseconds → ms
    r.timeline = m_rec->timeline();
    if (r.open_model)
        for (auto& row : r.timeline) row.target_rps = m_o.schedule->rate_at(row.second - 0.5);
    r.interrupted = m_interrupted;
    r.throughput_rps = static_cast<double>(completed) / r.elapsed_s;
    r.sent_rps = static_cast<double>(r.requests) / sending_s;
    r.generator = generator_cpu(m_cpu_from, m_cpu_to, std::thread::hardware_concurrency());
    if (m_o.warmup_s <= 0 && completed > 0)
        r.generator_us_per_call = r.generator.cpu_s / static_cast<double>(completed) * 1e6;
    return r;
}

}  // namespace

LoadReport run_load(const std::shared_ptr<nats::Connection>& first, const LoadOptions& options,
                    const std::function<void(const Progress&)>& progress) {
    validate(options);
    Run run(first, options, progress);
    return run.go();
}

}  // namespace aegis::load
