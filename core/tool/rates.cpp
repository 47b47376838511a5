#include "core/tool/rates.hpp"
#include <chrono>
#include <vector>
#include <string>

#include "core/tool/system_view.hpp"

#include <algorithm>

namespace aegis::tool {

namespace {

uint64_t u64(const Json& v, const char* k) {
    auto it = v.find(k);
    if (it == v.end() || !it->is_number()) return 0;
    return it->is_number_unsigned() || it->is_number_integer()
               ? static_cast<uint64_t>(std::max<int64_t>(0, it->get<int64_t>()))
               : static_cast<uint64_t>(std::max(0.0, it->get<double>()));
}

int64_t i64(const Json& v, const char* k) {
    auto it = v.find(k);
    if (it == v.end() || !it->is_number()) return 0;
    return it->is_number_float() ? static_cast<int64_t>(it->get<double>()) : it->get<int64_t>();
}

}  // namespace

void RateTracker::update(const std::vector<client::SrvReply>& stats,
                         std::chrono::steady_clock::time_point sent) {
    m_rates.clear();
    for (const auto& r : stats) {
        const Json& b = r.body;
        if (!b.is_object() || !b.contains("endpoints") || !b["endpoints"].is_array()) continue;
        std::string service = json_str(b, "name"), id = json_str(b, "id");
        std::string started = json_str(b, "started");
        auto at = sent + std::chrono::duration_cast<std::chrono::steady_clock::duration>(r.rtt);
        for (const auto& ep : b["endpoints"]) {
            if (!ep.is_object() || !ep.contains("name") || !ep["name"].is_string()) continue;
            EndpointRate out;
            out.service = service;
            out.instance_id = id;
            out.endpoint = ep["name"];
            out.num_requests = u64(ep, "num_requests");
            out.num_errors = u64(ep, "num_errors");
            out.last_error = json_str(ep, "last_error");
            if (auto d = ep.find("data"); d != ep.end() && d->is_object()) {
                out.queued = u64(*d, "queued");
                out.shed = u64(*d, "shed");
                out.expired = u64(*d, "expired");
            }
            Sample now{out.num_requests, out.num_errors, i64(ep, "processing_time"), started, at};
            int64_t avg_ns = i64(ep, "average_processing_time");
            out.avg_ms = static_cast<double>(avg_ns) / 1e6;
            auto it = m_last.find({service, id, out.endpoint});
            if (it != m_last.end()) {
                const Sample& prev = it->second;
                now.observed_requests = prev.observed_requests;
                now.observed_errors = prev.observed_errors;
                double dt = std::chrono::duration<double>(at - prev.at).count();
                bool reset = now.requests < prev.requests || now.errors < prev.errors ||
                             now.started != prev.started;
                if (!reset && dt > 0) {
                    uint64_t dreq = now.requests - prev.requests;
                    uint64_t derr = now.errors - prev.errors;
                    out.has_rate = true;
                    out.requests_per_s = static_cast<double>(dreq) / dt;
                    out.errors_per_s = static_cast<double>(derr) / dt;
                    if (dreq > 0)
                        out.avg_ms = std::max(0.0, static_cast<double>(now.processing_ns -
                                                                       prev.processing_ns) /
                                                       static_cast<double>(dreq) / 1e6);
                    now.observed_requests += dreq;
                    now.observed_errors += derr;
                }
            }
            out.observed_requests = now.observed_requests;
            out.observed_errors = now.observed_errors;
            m_last[{service, id, out.endpoint}] = std::move(now);
            m_rates.push_back(std::move(out));
        }
    }
    std::sort(m_rates.begin(), m_rates.end(), [](const EndpointRate& a, const EndpointRate& b) {
        return std::tie(a.service, a.instance_id, a.endpoint) <
               std::tie(b.service, b.instance_id, b.endpoint);
    });
}

}  // namespace aegis::tool
