#include "core/service/single_active.hpp"
#include <map>
#include <optional>
#include <functional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>

#include "core/client/event_publisher.hpp"
#include "core/nats/connection.hpp"
#include "core/registry/instance.hpp"
#include "core/service/election.hpp"
#include "core/service/history_recorder.hpp"
#include "core/service/sticky_events.hpp"
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/names.hpp"

namespace aegis {

namespace single_active_detail {

// Runs notifications (registry rewrite, events, user callbacks) in order, off the election
// thread, so a slow KV or JetStream never delays a lease renewal.
class Notifier {
public:
    void start() {
        std::lock_guard lk(m_mutex);
        m_stop = false;
        if (!m_thread.joinable()) m_thread = std::thread([this] { run(); });
    }
    void post(std::function<void()> job) {
        {
            std::lock_guard lk(m_mutex);
            m_jobs.push_back(std::move(job));
        }
        m_cv.notify_one();
    }
    void stop() {  // runs what is queued, then ends
        {
            std::lock_guard lk(m_mutex);
            m_stop = true;
        }
        m_cv.notify_one();
        if (m_thread.joinable()) m_thread.join();
    }
    ~Notifier() { stop(); }

private:
    void run() {
        std::unique_lock lk(m_mutex);
        for (;;) {
            m_cv.wait(lk, [this] { return m_stop || !m_jobs.empty(); });
            if (m_jobs.empty()) return;
            auto job = std::move(m_jobs.front());
            m_jobs.pop_front();
            lk.unlock();
            try {
                job();
            } catch (const std::exception& e) {
                log::warn("single-active notification failed: {}", e.what());
            }
            lk.lock();
        }
    }
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;
    std::thread m_thread;
};

Json not_active_result(const std::string& instance, const std::string& group) {
    return Json{{"success", false},
                {"error", "NOT_ACTIVE"},
                {"message", "This instance is not active. Instance " + instance +
                                " is in STANDBY mode for group " + group + "."},
                {"result", nullptr}};
}

// The Python exclusive wrapper (G7): maps stay, anything else becomes {"data": value}.
Json wrap_success(Json r) {
    if (!r.is_object()) r = Json{{"data", std::move(r)}};
    return Json{
        {"success", true}, {"error", nullptr}, {"message", nullptr}, {"result", std::move(r)}};
}

// TEST ONLY: AEGIS_TEST_UNFENCED=1 together with AEGIS_TEST_ALLOW_UNSAFE=1 turns fencing off —
// a leader that lost its lease keeps its exclusive subscriptions and keeps running exclusive
// calls under the last term it held. It exists so that the history checker can be shown to
// catch an unfenced leader (tests/integration/test_history_checker.cpp). Either variable alone
// is ignored (with a warning), so a stray export cannot make a service unsafe.
bool unfenced_for_tests() {
    auto set = [](const char* name) {
        const char* v = std::getenv(name);
        return v && std::string(v) == "1";
    };
    bool want = set("AEGIS_TEST_UNFENCED"), allowed = set("AEGIS_TEST_ALLOW_UNSAFE");
    if (want && allowed)
        log::warn("AEGIS_TEST_UNFENCED: fencing is OFF (test only): this leader keeps running "
                  "exclusive calls after it loses its lease");
    else if (want)
        log::warn("AEGIS_TEST_UNFENCED ignored: it needs AEGIS_TEST_ALLOW_UNSAFE=1 as well");
    return want && allowed;
}

const char* lease_event_of(const service::LeadershipChange& c) {
    if (c.leader) return "acquired";
    if (c.reason == "Lease expired") return "fenced";
    if (c.reason == "Another instance elected") return "lost";
    return "released";  // a clean stop ("Leadership released", "Stopped")
}

int64_t micros(wire::SysTime t) {
    return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

}  // namespace single_active_detail

using namespace single_active_detail;

struct SingleActiveService::State {
    SingleActiveOptions options;
    // What an exclusive handler needs after it ran, kept here rather than read through the
    // service: a handler past the grace period finishes after the service object is destroyed
    // (this state is then left allocated, see the destructor).
    std::shared_ptr<nats::Connection> conn;
    std::string instance_id;
    std::string service_name;
    // Read by exclusive handlers on delivery threads, hence atomic; an election replaced by a
    // restart is kept (retired) so a late handler never sees a dangling pointer.
    std::atomic<service::Election*> election{nullptr};
    std::vector<std::unique_ptr<service::Election>> elections;
    std::mutex mutex;
    std::vector<std::string> exclusive;
    std::vector<std::function<void(bool)>> callbacks;
    Notifier notifier;
    std::unique_ptr<EventPublisher> events;
    std::atomic<uint64_t> dropped{0};  // exclusive calls refused while fenced
    std::shared_ptr<service::HistoryRecorder> history;  // null: not recording
    bool unfenced = false;                 // test only (unfenced_for_tests)
    std::atomic<uint64_t> last_term{0};    // the term last held (for the unfenced test mode)
    std::atomic<uint64_t> released_term{0};  // a release in progress (recorded once done)
};

SingleActiveService::SingleActiveService(std::shared_ptr<nats::Connection> conn,
                                         ServiceOptions options, SingleActiveOptions single)
    : Service(std::move(conn), std::move(options)), m_sa(std::make_unique<State>()) {
    if (auto why = wire::check_group_id(single.group); !why.empty()) throw UsageError(why);
    single.policy.validate();
    if (single.audit_subject.empty())
        if (const char* env = std::getenv(wire::k_audit_env)) single.audit_subject = env;
    m_sa->history = single.history_file.empty()
                        ? service::HistoryRecorder::from_env()
                        : service::HistoryRecorder::for_path(single.history_file);
    m_sa->unfenced = unfenced_for_tests();
    m_sa->options = std::move(single);
    m_sa->conn = connection();
    m_sa->instance_id = instance_id();
    m_sa->service_name = name();
}

SingleActiveService::~SingleActiveService() {
    try {
        stop();  // while the derived part still exists: before_stop() releases the lease
    } catch (...) {
    }
    // An exclusive handler past the grace period still reads this state when it returns.
    if (handlers_abandoned()) (void)m_sa.release();
}

SingleActiveService& SingleActiveService::exclusive_rpc(const std::string& method,
                                                        RpcHandler handler, EndpointOptions opts) {
    return exclusive_rpc(
        method,
        RpcHandlerEx([h = std::move(handler)](const Json& p, const RpcContext&) { return h(p); }),
        std::move(opts));
}

SingleActiveService& SingleActiveService::exclusive_rpc(const std::string& method,
                                                        RpcHandlerEx handler,
                                                        EndpointOptions opts) {
    State* st = m_sa.get();
    const bool parity = st->options.python_parity;
    const std::string id = instance_id();
    // Captures the state, never `this`: see State::conn.
    RpcHandlerEx wrapped = [st, parity, id, method, h = std::move(handler)](
                               const Json& p, const RpcContext& ctx) {
        // The start is taken before the leadership check: an execution recorded as started at
        // t was allowed by a check made after t, so the history never shows it early.
        const int64_t start_us = service::history_now_us();
        service::Election* e = st->election.load();
        uint64_t term = e ? e->term() : 0;
        bool lead = e && e->is_leader();
        if (!lead && st->unfenced && st->last_term.load() > 0) {  // test only: run anyway
            lead = true;
            term = st->last_term.load();
        }
        if (!lead) {
            // Only a leader subscribes, so a request reaching a non-leader came to a fenced or
            // frozen old leader, and another instance (subscribed without a queue group) may
            // serve it now: neither run nor answer it — a NOT_ACTIVE answer would make the
            // client retry a call the new leader may already have run.
            if (!parity) drop_fenced(*st, method);
            Json na = not_active_result(id, st->options.group);
            if (st->options.not_active_as_error)
                throw std::runtime_error("NOT_ACTIVE: " + na["message"].get<std::string>());
            return na;
        }
        audit(*st, method, ctx, term, "start");
        struct Done {  // also when the handler throws
            State& st;
            const std::string& method;
            const RpcContext& ctx;
            uint64_t term;
            int64_t start_us;
            int exceptions = std::uncaught_exceptions();
            ~Done() {
                audit(st, method, ctx, term, "done");
                record_exec(st, method, ctx, term, start_us,
                            std::uncaught_exceptions() == exceptions);
            }
        } done{*st, method, ctx, term, start_us};
        if (!parity) return h(p, ctx);
        try {
            return wrap_success(h(p, ctx));
        } catch (const std::exception& e) {
            return Json{{"success", false},
                        {"error", "EXECUTION_ERROR"},
                        {"message", e.what()},
                        {"result", nullptr}};
        }
    };
    opts.subscribe = parity;  // without parity only the leader subscribes
    // ... and without a queue group: a frozen old leader's subscription can outlive its lease
    // at the server, and in one queue group it would keep getting its share of the calls.
    // Subscribed side by side, both get every call; the old one drops them (fenced).
    opts.queue_group = parity;
    opts.metadata.emplace("exclusive", "true");
    opts.own_connection = false;  // the fence (Election::is_leader) watches the service's
    rpc(method, std::move(wrapped), std::move(opts));
    {
        std::lock_guard lk(st->mutex);
        st->exclusive.push_back(method);
    }
    if (!parity && running() && is_leader()) subscribe_endpoint(method);
    return *this;
}

void SingleActiveService::drop_fenced(State& st, const std::string& method) {
    uint64_t n = ++st.dropped;
    if (n == 1 || n % 100 == 0)
        log::warn("'{}' is not the leader (fenced): dropped '{}' without running or answering it "
                  "({} dropped so far)",
                  st.instance_id, method, n);
    throw NoReply();
}

void SingleActiveService::audit(State& st, const std::string& method, const RpcContext& ctx,
                                uint64_t term, const char* phase) noexcept {
    const std::string& subject = st.options.audit_subject;
    if (subject.empty()) return;
    try {
        Json j{{"message_id", ctx.request.header.message_id},
               {"instance_id", st.instance_id},
               {"method", method},
               {"term", term},
               {"phase", phase}};
        st.conn->publish(subject, wire::to_json(j));
    } catch (const std::exception& e) {
        log::debug("execution audit to '{}' failed: {}", subject, e.what());
    } catch (...) {
    }
}

void SingleActiveService::record_exec(State& st, const std::string& method,
                                      const RpcContext& ctx, uint64_t term, int64_t start_us,
                                      bool ok) noexcept {
    auto* h = st.history.get();
    if (!h) return;
    try {
        const auto& hd = ctx.request.header;
        h->record(Json{{"kind", "exec"},
                       {"service", st.service_name},
                       {"group", st.options.group},
                       {"method", method},
                       {"instance", st.instance_id},
                       {"term", term},
                       {"start_us", start_us},
                       {"end_us", service::history_now_us()},
                       {"msg_id", hd.message_id},
                       {"outcome", ok ? "ok" : "error"}});
    } catch (...) {
    }
}

void SingleActiveService::record_lease(const char* event, uint64_t term, int64_t t_us) noexcept {
    auto* h = m_sa->history.get();
    if (!h) return;
    try {
        h->record(Json{{"kind", "lease"},
                       {"service", name()},
                       {"group", group()},
                       {"instance", instance_id()},
                       {"term", term},
                       {"event", event},
                       {"t_us", t_us}});
    } catch (...) {
    }
}

service::HistoryRecorder* SingleActiveService::history() const { return m_sa->history.get(); }

SingleActiveService& SingleActiveService::on_leadership(std::function<void(bool)> callback) {
    std::lock_guard lk(m_sa->mutex);
    m_sa->callbacks.push_back(std::move(callback));
    return *this;
}

bool SingleActiveService::is_leader() const {
    service::Election* e = m_sa->election.load();
    return e && e->is_leader();
}

std::optional<std::string> SingleActiveService::leader_id() const {
    service::Election* e = m_sa->election.load();
    if (!e) return std::nullopt;
    return e->leader_id();
}

uint64_t SingleActiveService::term() const {
    service::Election* e = m_sa->election.load();
    return e ? e->term() : 0;
}

std::chrono::milliseconds SingleActiveService::lease_left() const {
    service::Election* e = m_sa->election.load();
    return e ? e->lease_left() : std::chrono::milliseconds(0);
}

const std::string& SingleActiveService::group() const { return m_sa->options.group; }
const FailoverPolicy& SingleActiveService::policy() const { return m_sa->options.policy; }

Json SingleActiveService::single_active_status() const {
    auto leader = leader_id();
    const auto& p = m_sa->options.policy;
    bool lead = is_leader();
    return Json{
        {"service_name", name()},
        {"instance_id", instance_id()},
        {"group_id", group()},
        {"is_active", lead},
        {"is_leader", lead},
        {"leader_instance_id", leader ? Json(*leader) : Json()},
        {"last_heartbeat", nullptr},
        {"metadata",
         {{"version", version()},
          {"failover_policy", p.mode},
          {"leader_ttl", std::chrono::duration<double>(p.lease).count()},
          {"heartbeat_interval", std::chrono::duration<double>(p.renew_interval).count()}}}};
}

void SingleActiveService::decorate(registry::ServiceInstance& inst) const {
    bool lead = is_leader();
    inst.sticky_active_group = group();
    inst.sticky_active_status = lead ? "ACTIVE" : "STANDBY";
    inst.metadata["is_leader"] = lead;
    inst.metadata["failover_policy"] = m_sa->options.policy.mode;
}

std::map<std::string, std::string> SingleActiveService::srv_metadata() const {
    auto md = Service::srv_metadata();
    bool lead = is_leader();
    md["sticky_active_group"] = group();
    md["sticky_active_status"] = lead ? "ACTIVE" : "STANDBY";
    md["is_leader"] = lead ? "true" : "false";
    return md;
}

void SingleActiveService::after_start() {
    State* st = m_sa.get();
    service::ElectionOptions eo;
    eo.service = name();
    eo.group = group();
    eo.instance_id = instance_id();
    eo.policy = st->options.policy;
    eo.metadata = [this] { return metadata(); };
    eo.probe = options().services_api;  // $SRV.PING.<service>.<id> is subscribed by now
    if (st->history)
        eo.renew_failed = [this](uint64_t term) {
            record_lease("renewed-failed", term, service::history_now_us());
        };
    if (st->options.publish_events && !st->events)
        st->events = std::make_unique<EventPublisher>(connection());
    st->notifier.start();
    auto e = std::make_unique<service::Election>(
        connection(), eo, [this](const service::LeadershipChange& c) { on_change(c); });
    st->election = e.get();
    {
        std::lock_guard lk(st->mutex);
        st->elections.push_back(std::move(e));
    }
    if (st->election.load()->start()) return;
    auto leader = leader_id();
    log::debug("'{}' is STANDBY in '{}' group '{}' (leader: {})", instance_id(), name(), group(),
               leader.value_or("none yet"));
    st->notifier.post([this, st, leader] {
        heartbeat_now();
        if (leader)
            notify_event("ElectionFailed", service::election_failed_payload(
                                               ids(), "Another instance is already leader"));
        for (auto& cb : callbacks()) cb(false);
    });
}

void SingleActiveService::before_stop() {
    if (service::Election* e = m_sa->election.load()) e->stop(true);
    if (uint64_t t = m_sa->released_term.exchange(0))
        record_lease("released", t, service::history_now_us());
    m_sa->notifier.stop();
}

// On the election thread: (un)subscribe exclusive methods at once, the rest in order later.
void SingleActiveService::on_change(const service::LeadershipChange& c) {
    State* st = m_sa.get();
    std::vector<std::string> methods;
    {
        std::lock_guard lk(st->mutex);
        methods = st->exclusive;
    }
    const bool released = c.reason == "Leadership released";
    if (c.leader) st->last_term = c.term;
    // A release calls us while still leader, to drain: calls may start until Election::stop
    // returns, so the release is recorded then (before_stop), not now.
    if (released)
        st->released_term = c.term;
    else
        record_lease(lease_event_of(c), c.term, micros(c.at));
    // Test only: an unfenced leader keeps its subscriptions after a loss (unfenced_for_tests).
    if (!st->options.python_parity && (c.leader || !st->unfenced || released)) {
        for (auto& m : methods) {
            if (c.leader)
                subscribe_endpoint(m);
            else
                unsubscribe_endpoint(m, released);  // a clean stop answers what it received
        }
        if (c.leader) {
            try {
                connection()->flush(std::chrono::milliseconds(500));
            } catch (const std::exception&) {
            }
        }
    }
    log::debug("'{}' {} '{}' group '{}': {}", instance_id(), c.leader ? "leads" : "no longer leads",
               name(), group(), c.reason);
    st->notifier.post([this, st, c, released] {
        if (!released) heartbeat_now();
        const auto me = ids();
        if (c.leader) {
            if (c.previous_leader) {
                // The crashed leader cannot say it lost: its successor says so on its behalf.
                service::StickyIds old{me.service, *c.previous_leader, me.group};
                notify_event("LeaderLost", service::leader_lost_payload(
                                               old,
                                               c.departed ? "Leader disconnected"
                                                          : "Lease expired",
                                               c.detected_at,
                                               Json{{"detected_by", me.instance_id},
                                                    {"silent_ms", c.silent_for.count()}}));
            }
            notify_event("LeaderElected",
                         service::leader_elected_payload(me, c.previous_leader, c.at));
        } else {
            notify_event("LeaderLost", service::leader_lost_payload(me, c.reason, c.at));
        }
        refresh_leadership();
        for (auto& cb : callbacks()) cb(c.leader);
    });
}

service::StickyIds SingleActiveService::ids() const { return {name(), instance_id(), group()}; }

std::vector<std::function<void(bool)>> SingleActiveService::callbacks() const {
    std::lock_guard lk(m_sa->mutex);
    return m_sa->callbacks;
}

void SingleActiveService::notify_event(const char* type, const Json& payload) {
    if (!m_sa->events) return;
    if (!connection()->is_connected()) {  // a publish would only sit out its timeout
        log::debug("sticky_active.{} not published: NATS disconnected", type);
        return;
    }
    PublishOptions o;
    o.timeout = std::chrono::seconds(2);
    try {
        m_sa->events->publish(service::k_sticky_domain, type, payload, o);
    } catch (const std::exception& e) {
        log::debug("could not publish sticky_active.{}: {}", type, e.what());
    }
}

}  // namespace aegis
