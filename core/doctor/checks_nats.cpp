// NATS checks: the resolved URL (and the port-forward behind it), reachability and RTT, auth,
// JetStream.
#include "core/config/connect.hpp"
#include <chrono>
#include <string>
#include "core/doctor/doctor_internal.hpp"
#include "core/k8s/port_forward.hpp"
#include "core/nats/auth.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"
#include "core/util/duration.hpp"

#include <fmt/format.h>

namespace aegis::doctor {

namespace {

const config::Attempt* find_attempt(const config::Resolution& res, const std::string& step) {
    for (auto& a : res.attempts)
        if (a.step == step) return &a;
    return nullptr;
}

void port_forward_state(Run& r) {
    const auto& res = *r.resolution;
    if (res.port_forward) {
        r.add("kubernetes", "port-forward", Status::ok,
              "started on 127.0.0.1:" + std::to_string(res.port_forward->local_port()) +
                  ", supervised (restarted if it dies, stopped when aegis exits)");
        return;
    }
    if (res.source == "localhost") {
        r.add("kubernetes", "port-forward", Status::ok,
              "a NATS server already answers on 127.0.0.1:" +
                  std::to_string(r.config.k8s.local_port) + " (existing forward): none started");
        return;
    }
    if (const auto* a = find_attempt(res, "port-forward");
        a && a->status == config::AttemptStatus::failed) {
        r.add("kubernetes", "port-forward", Status::fail, a->detail, a->fix);
        return;
    }
    if (!r.config.k8s.use_port_forward)
        r.skip("kubernetes", "port-forward", "off (k8s.use_port_forward: false)");
}

// The headline failure of an unresolved URL, with its fix.
std::pair<std::string, std::string> why_unresolved(const config::Resolution& res, int port) {
    for (const char* step : {"port-forward", "service-ip", "kubernetes", "in-cluster", "docker"})
        if (const auto* a = find_attempt(res, step);
            a && a->status == config::AttemptStatus::failed)
            return {a->step + ": " + a->detail, a->fix};
    return {"nothing answers on 127.0.0.1:" + std::to_string(port) +
                " and no server was started by 'aegis up'",
            "aegis up (a local server), or deploy NATS to your cluster"};
}

std::string ms(std::chrono::nanoseconds d) {
    return fmt::format("{:.2f} ms", util::millis(d));
}

bool connect(Run& r) {
    const auto& res = *r.resolution;
    std::string where = nats::redact_url(res.url) + " via " + res.source;
    std::string method = nats::auth_method(r.config.auth);
    try {
        r.conn = config::connect_resolved(r.config, res, "aegis validate");
    } catch (const AuthError& e) {
        r.add("nats", "reachable", Status::ok, where + " (the server answered)");
        r.add("nats", "auth", Status::fail, "authorization failed (" + method + ")",
              "check the credentials; 'aegis config show' tells where they come from");
        return false;
    } catch (const Error& e) {
        bool config_problem = e.code() == exit_code::config || e.code() == exit_code::no_input;
        r.add("nats", config_problem ? "auth" : "reachable", Status::fail, e.what(),
              e.hint().empty() ? "is nats-server running? 'aegis up' starts a local one"
                               : e.hint());
        return false;
    }
    auto t0 = std::chrono::steady_clock::now();
    r.conn->flush(r.options.timeout);
    auto rtt = std::chrono::steady_clock::now() - t0;
    r.add("nats", "reachable", Status::ok, where + ", RTT " + ms(rtt));
    r.add("nats", "auth", Status::ok,
          method == "none" ? "no credentials needed" : "accepted (" + method + ")");
    return true;
}

void jetstream(Run& r) {
    try {
        auto reply = r.conn->request("$JS.API.INFO", "", r.options.timeout);
        Json j = wire::from_json(std::string(reply.data()));
        if (j.contains("error")) {
            r.add("nats", "jetstream", Status::fail,
                  "not available: " + j["error"].value("description", std::string("error")),
                  "enable JetStream for this account (nats-server -js; Helm: "
                  "config.jetstream.enabled=true)");
            return;
        }
        r.jetstream = true;
        r.add("nats", "jetstream", Status::ok,
              "enabled: " + plural(j.value("streams", 0), "stream") + ", " +
                  plural(j.value("consumers", 0), "consumer"));
    } catch (const NoRespondersError&) {
        r.add("nats", "jetstream", Status::fail, "not enabled on this server",
              "start nats-server with -js ('aegis up' does; Helm: "
              "config.jetstream.enabled=true)");
    } catch (const Error& e) {
        r.add("nats", "jetstream", Status::fail, e.what(), "check the server's log");
    }
}

}  // namespace

void check_nats(Run& r) {
    config::ResolveOptions ro;
    ro.announce = false;  // the report says which server was used
    r.resolution = config::resolve_nats_url(r.config, ro);
    const auto& res = *r.resolution;
    if (r.kubernetes_used || res.port_forward) port_forward_state(r);
    if (!res.found()) {
        auto [why, fix] = why_unresolved(res, r.config.k8s.local_port);
        r.add("nats", "reachable", Status::fail, "no NATS server found: " + why, fix);
        return;
    }
    if (connect(r)) jetstream(r);
}

}  // namespace aegis::doctor
