#include "core/doctor/doctor.hpp"
#include <optional>
#include <string>

#include "core/doctor/doctor_internal.hpp"
#include "core/nats/connection.hpp"

namespace aegis::doctor {

std::string to_string(Status s) {
    switch (s) {
    case Status::ok: return "ok";
    case Status::warn: return "warn";
    case Status::fail: return "fail";
    case Status::skip: return "skip";
    }
    return "fail";
}

bool Report::failed() const { return count(Status::fail) > 0; }

int Report::count(Status s) const {
    int n = 0;
    for (auto& c : checks) n += c.status == s;
    return n;
}

void Run::add(std::string group, std::string name, Status status, std::string message,
              std::string fix) {
    report.checks.push_back(
        {std::move(group), std::move(name), status, std::move(message), std::move(fix)});
}

Report run(const config::SdkConfig& config, const Options& options) {
    Run r{config, options, {}, std::nullopt, nullptr};
    check_config(r);
    if (!options.offline) {
        check_kubernetes(r);
        check_nats(r);
        check_cluster(r);
        check_storage(r);
        check_services(r);
        check_clock(r);
    }
    // Close the connection (and a port-forward it started) before reporting.
    r.conn.reset();
    r.resolution.reset();
    return std::move(r.report);
}

Json to_json(const Report& report) {
    Json checks = Json::array();
    for (auto& c : report.checks) {
        Json j = {{"group", c.group},
                  {"name", c.name},
                  {"status", to_string(c.status)},
                  {"message", c.message}};
        if (!c.fix.empty()) j["fix"] = c.fix;
        checks.push_back(std::move(j));
    }
    return {{"ok", !report.failed()},
            {"summary",
             {{"checks", report.checks.size()},
              {"ok", report.count(Status::ok)},
              {"warnings", report.count(Status::warn)},
              {"failed", report.count(Status::fail)},
              {"skipped", report.count(Status::skip)}}},
            {"checks", std::move(checks)}};
}

}  // namespace aegis::doctor
