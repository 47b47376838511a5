// Clock skew against the server. NATS 2.9 reports no time, but a stream's creation time is the
// server's clock: create a tiny in-memory stream, read its `created`, delete it. Staleness of
// registry entries is judged by clocks, so a skew of seconds matters.
#include <fmt/format.h>
#include <optional>
#include <chrono>
#include <string>

#include <cmath>

#include "core/doctor/doctor_internal.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/codec.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::doctor {

namespace {

using Sys = std::chrono::system_clock;

// The server's time at the middle of one request, or an error message.
std::optional<double> measure_skew(Run& r, std::string* error) {
    std::string suffix = util::random_hex(8);
    std::string name = "AEGIS_VALIDATE_" + suffix;
    Json cfg = {{"name", name},
                {"subjects", {"_aegis.validate." + suffix}},
                {"storage", "memory"},
                {"max_msgs", 1},
                {"num_replicas", 1}};
    auto t0 = Sys::now();
    auto reply = r.conn->request("$JS.API.STREAM.CREATE." + name, cfg.dump(), r.options.timeout);
    auto t1 = Sys::now();
    Json j = wire::from_json(std::string(reply.data()));
    try {
        r.conn->request("$JS.API.STREAM.DELETE." + name, "", r.options.timeout);
    } catch (const Error&) {
        // best effort: a leftover 1-message memory stream disappears with the server
    }
    if (j.contains("error")) {
        *error = j["error"].value("description", std::string("refused"));
        return std::nullopt;
    }
    auto created = wire::parse_timestamp(j.value("created", std::string()));
    if (!created) {
        *error = "the server reported no creation time";
        return std::nullopt;
    }
    auto local_mid = t0 + (t1 - t0) / 2;
    return std::chrono::duration<double>(*created - local_mid).count();
}

}  // namespace

void check_clock(Run& r) {
    if (!r.conn || !r.jetstream) {
        r.skip("clock", "clock skew", "needs NATS with JetStream");
        return;
    }
    std::string error;
    std::optional<double> skew;
    try {
        skew = measure_skew(r, &error);
    } catch (const Error& e) {
        error = e.what();
    }
    if (!skew) {
        r.add("clock", "clock skew", Status::skip, "cannot measure: " + error);
        return;
    }
    double limit = static_cast<double>(r.options.skew_warn.count());
    std::string msg = fmt::format("{:+.3f} s against the server", *skew);
    if (std::fabs(*skew) > limit)
        r.add("clock", "clock skew", Status::warn, msg + ": staleness and leases judge by clocks",
              "sync this machine's clock (NTP: timedatectl set-ntp true)");
    else
        r.add("clock", "clock skew", Status::ok, msg);
}

}  // namespace aegis::doctor
