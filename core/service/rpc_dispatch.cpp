// Turning one request message into one response. Admission runs on the subscription's delivery
// thread and only decides: decode (msgpack or JSON), then queue the request on its method's lane,
// or answer at once (undecodable, OVERLOADED, SHUTTING_DOWN). The handler runs on a lane thread
// and the reply goes out in the requester's format. Nothing a client sends can take the service
// down, and no flood can make it hold more than its bounds.
#include "core/service/service_impl.hpp"
#include <optional>
#include <mutex>
#include <chrono>
#include <memory>
#include <string>
#include "core/util/error.hpp"
#include "core/util/log.hpp"
#include "core/wire/rpc_codec.hpp"
#include "core/wire/rpc_errors.hpp"
#include "core/util/signals.hpp"
#include <algorithm>

namespace aegis {

namespace {

const char* k_instance_header = "Aegis-Instance";
// Headers (instance id, error text) travel in the same message as the payload.
constexpr int64_t k_header_room = 512;

std::string one_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

void reply(nats::Connection& conn, const nats::Msg& req, const std::string& payload,
           const std::string& instance_id, const std::string* error, const char* code) {
    if (req.reply().empty()) return;  // a publish, not a request: nobody to answer
    if (!error) {
        const nats::HeaderRef h[] = {{k_instance_header, instance_id.c_str()}};
        conn.reply(req, payload, h);
        return;
    }
    // ADR-32 clients look for these headers on failed replies.
    const std::string text = one_line(*error);
    const nats::HeaderRef h[] = {{k_instance_header, instance_id.c_str()},
                                 {"Nats-Service-Error", text.c_str()},
                                 {"Nats-Service-Error-Code", code}};
    conn.reply(req, payload, h);
}

std::string strip_json_prefix(const nlohmann::json::exception& e) {
    // Without the library's "[json.exception.type_error.302] " prefix.
    std::string what = e.what();
    if (auto at = what.find("] "); what.rfind("[json.exception.", 0) == 0 && at != what.npos)
        what = what.substr(at + 2);
    return what;
}

// A handler that read a parameter the call lacks (params.at("b")) or one of another type: said
// as required_param says it, so that the caller is told which one (and `aegis call` exits 65).
std::string handler_json_error(const nlohmann::json::exception& e) {
    std::string what = strip_json_prefix(e);
    constexpr std::string_view k_not_found = " not found";
    if (e.id == 403 && what.rfind("key '", 0) == 0 && what.size() > 4 + k_not_found.size() &&
        what.compare(what.size() - k_not_found.size(), k_not_found.size(), k_not_found) == 0)
        return "missing parameter " + what.substr(4, what.size() - 4 - k_not_found.size());
    return "bad params: " + what + " (the handler reads a parameter as another type)";
}

// The time the caller still waits, from its envelope timeout (validated > 0 by the decoder).
service::LaneClock::duration patience(double seconds, std::chrono::milliseconds cap) {
    auto d = std::chrono::duration_cast<service::LaneClock::duration>(
        std::chrono::duration<double>(std::clamp(seconds, 0.0, 86400.0)));
    if (cap.count() > 0) d = std::min<service::LaneClock::duration>(d, cap);
    return d;
}

}  // namespace

// Encodes and sends one answer; counts it in the endpoint's statistics when `record`.
void Service::Impl::answer(Endpoint& ep, const nats::Msg& msg, wire::Format fmt,
                           std::optional<std::string_view> correlation, const Json& result,
                           std::string error, const char* code, service::LaneClock::time_point t0,
                           bool record) {
    const std::string* err = error.empty() ? nullptr : &error;
    try {
        std::string payload;
        try {
            payload = wire::encode_new_response(correlation, result, err, fmt);
        } catch (const std::exception& e) {
            // A result that cannot be encoded (e.g. invalid UTF-8 in JSON) is the handler's error.
            error = std::string("cannot encode result: ") + e.what();
            err = &error;
            payload = wire::encode_new_response(correlation, Json(), err, fmt);
        }
        // A reply the server would refuse (bigger than its max_payload) would leave the caller
        // waiting for a timeout: it gets an error envelope saying so instead.
        nats::Connection& out = ep.conn ? *ep.conn : *conn;
        int64_t limit = out.max_payload();
        if (limit > 0 && static_cast<int64_t>(payload.size()) + k_header_room > limit) {
            error = "reply too large: " + std::to_string(payload.size()) +
                    " bytes, more than the server's max_payload of " + std::to_string(limit) +
                    " bytes";
            err = &error;
            code = "500";
            payload = wire::encode_new_response(correlation, Json(), err, fmt);
            log::warn("'{}': {}", ep.subject, error);
        }
        // Count before replying: a STATS request sent after the reply must see this request.
        if (record) ep.stats.record(service::LaneClock::now() - t0, err);
        reply(out, msg, payload, options.instance_id, err, code);
    } catch (const std::exception& e) {
        log::warn("'{}': could not send the reply: {}", ep.subject, e.what());
    }
    if (err && record) log::debug("'{}' failed: {}", ep.subject, one_line(*err));
}

void Service::Impl::dispatch(Endpoint& ep, nats::Msg& msg) {
    service::LaneJob job;
    job.arrived = service::LaneClock::now();
    std::string_view data = msg.data();
    job.format = data.empty() ? wire::Format::json : wire::sniff(data);
    try {
        job.request = wire::decode_rpc_request(data);
    } catch (const nlohmann::json::exception& e) {
        answer(ep, msg, job.format, std::nullopt, Json(), strip_json_prefix(e), "400",
               job.arrived, true);
        return;
    } catch (const std::exception& e) {
        std::string what = e.what();
        answer(ep, msg, job.format, std::nullopt, Json(), what.empty() ? "bad request" : what,
               "400", job.arrived, true);
        return;
    }
    job.msg = std::move(msg);
    job.start_by = job.arrived + patience(job.request.timeout, options.max_queue_wait);
    if (stopping.load()) {
        ep.lane.count_refused();
        refuse(ep, job, wire::k_shutting_down);
        return;
    }
    switch (ep.lane.submit(job)) {
        case service::Lane::Admit::queued:
        case service::Lane::Admit::ran:
            return;
        case service::Lane::Admit::full:
            refuse(ep, job, wire::k_overloaded);
            return;
        case service::Lane::Admit::closed:
            ep.lane.count_refused();
            refuse(ep, job, wire::k_shutting_down);
            return;
    }
}

void Service::Impl::refuse(Endpoint& ep, service::LaneJob& job, std::string_view code) {
    std::string text(code);
    if (code == wire::k_overloaded) {
        text += ": '" + options.name + "." + ep.method + "' has " +
                std::to_string(ep.lane.max_pending()) + " requests waiting on instance '" +
                options.instance_id + "' (its limit); retry later or elsewhere";
        uint64_t shed = ep.lane.shed_count();
        if (shed == 1 || shed % 100000 == 0)
            log::warn("'{}' is overloaded: {} requests answered OVERLOADED so far", ep.subject,
                      shed);
    } else {
        text += ": instance '" + options.instance_id + "' of '" + options.name +
                "' is stopping; retry elsewhere";
    }
    std::string_view id = job.request.header.message_id;
    answer(ep, job.msg, job.format, id, Json(), std::move(text), wire::k_refusal_status,
           job.arrived, false);
}

void Service::Impl::run_job(Endpoint& ep, service::LaneJob& job) {
    auto t0 = service::LaneClock::now();
    std::string error;
    Json result;
    try {
        RpcContext ctx{job.request, options.instance_id};
        result = ep.handler(job.request.params, ctx);
    } catch (const NoReply&) {
        return;
    } catch (const nlohmann::json::exception& e) {
        error = handler_json_error(e);
    } catch (const std::exception& e) {
        error = e.what();
        if (error.empty()) error = "handler failed";
    } catch (...) {
        error = "handler failed with a non-standard exception";
    }
    if (abandoned.load()) {
        // Past the grace period: the instance has deregistered and its caller has been told
        // nothing it could trust; a late answer from a stopped instance is dropped.
        log::debug("'{}': a handler finished after the stop's grace period; reply dropped",
                   ep.subject);
        return;
    }
    std::string_view id = job.request.header.message_id;
    answer(ep, job.msg, job.format, id, result, std::move(error), "500", t0, true);
}

nats::PendingLimits Service::Impl::pending_limits(const Endpoint& ep) const {
    // What nats.c may hold before admission sees it. Admission answers far faster than a
    // handler runs, so this only fills when the network outruns it; beyond it nats.c drops
    // (counted as "dropped") instead of growing without bound.
    int pending = ep.options.max_pending >= 0 ? ep.options.max_pending : options.max_pending;
    return {std::max(16384, 4 * pending), int64_t{8} << 20};
}

nats::Connection& Service::Impl::connection_for(Endpoint& ep) {
    if (ep.conn) return *ep.conn;
    if (!options.connection_per_method || !ep.options.own_connection) return *conn;
    nats::ConnectOptions o = conn->options();
    o.name += " " + ep.method;
    // The service's connection reports its own state; this one only carries the method.
    o.on_disconnected = o.on_reconnected = o.on_closed = nullptr;
    try {
        ep.conn = nats::Connection::connect(o);
        return *ep.conn;
    } catch (const std::exception& e) {
        // Still served, only without the isolation: on the service's connection.
        log::warn("'{}': no connection of its own ({}); sharing the service's", ep.subject,
                  e.what());
        return *conn;
    }
}

void Service::Impl::open_lane(Endpoint& ep) {
    int pending = ep.options.max_pending >= 0 ? ep.options.max_pending : options.max_pending;
    int threads = ep.options.workers >= 0 ? ep.options.workers : options.workers;
    ep.lane.open(static_cast<size_t>(std::max(1, pending)), std::max(1, threads),
                 [this, &ep](service::LaneJob& job) { run_job(ep, job); });
}

bool Service::Impl::finish_lanes(int signals_at_stop) {
    std::vector<Endpoint*> eps;
    {
        std::lock_guard lock(endpoints_mutex);
        for (auto& [name, ep] : endpoints) eps.push_back(ep.get());
    }
    size_t refused = 0;
    for (Endpoint* ep : eps) {
        auto queued = ep->lane.close();
        ep->lane.count_refused(queued.size());
        refused += queued.size();
        for (auto& job : queued) refuse(*ep, job, wire::k_shutting_down);
    }
    if (refused)
        log::info("'{}' stopping: answered {} queued requests SHUTTING_DOWN", options.instance_id,
                  refused);
    auto until = service::LaneClock::now() + options.stop_grace;
    auto cut = [signals_at_stop] { return util::stop_signal_count() > signals_at_stop; };
    bool idle = true;
    for (Endpoint* ep : eps) idle = ep->lane.wait_idle(until, cut) && idle;
    if (!idle) abandoned = true;  // before the threads are let go: see run_job
    int left = 0;
    for (Endpoint* ep : eps) left += ep->lane.release_threads();
    if (left)
        log::warn("'{}' stopping: {} handlers still running after the grace period of {} ms "
                  "(or a second signal); exiting without them",
                  options.instance_id, left, options.stop_grace.count());
    return left == 0 && idle;
}

LoadState Service::Impl::load_state() const {
    LoadState s;
    auto now = service::LaneClock::now();
    for (auto& [name, ep] : endpoints) {
        auto c = ep->lane.counters();
        s.queued += c.queued;
        s.in_flight += c.in_flight;
        s.shed += c.shed;
        s.expired += c.expired;
        s.refused += c.refused;
        s.dropped += ep->subscription.dropped();
        // Overloaded while a lane is full or has turned a request away in the last 500 ms:
        // long enough to be seen between two polls of a flood, short enough to clear at once.
        if (ep->lane.overloaded(now, std::chrono::milliseconds(500))) s.overloaded = true;
    }
    return s;
}

}  // namespace aegis
