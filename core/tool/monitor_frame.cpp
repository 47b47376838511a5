// Monitor frames: summing rates, sorting, filtering, and the NDJSON shape.
#include <algorithm>
#include <vector>
#include <string>
#include <cctype>
#include <cmath>

#include "core/tool/monitor.hpp"
#include "core/util/text.hpp"

namespace aegis::tool {

namespace {

double round3(double v) { return std::round(v * 1000) / 1000; }

double sort_value(const RateSum& r, SortKey k) {
    switch (k) {
    case SortKey::requests: return r.requests_per_s;
    case SortKey::errors: return r.errors_per_s;
    case SortKey::latency: return r.avg_ms;
    default: return 0;
    }
}

Json rate_json(const RateSum& r) {
    if (!r.has_rate) return {{"requests_per_s", nullptr}, {"errors_per_s", nullptr},
                             {"avg_ms", nullptr}};
    return {{"requests_per_s", round3(r.requests_per_s)},
            {"errors_per_s", round3(r.errors_per_s)},
            {"avg_ms", round3(r.avg_ms)}};
}

}  // namespace

void RateSum::add(const EndpointRate& r) {
    observed_requests += r.observed_requests;
    observed_errors += r.observed_errors;
    if (!r.has_rate) return;
    double before = requests_per_s;
    requests_per_s += r.requests_per_s;
    errors_per_s += r.errors_per_s;
    if (requests_per_s > 0)
        avg_ms = (avg_ms * before + r.avg_ms * r.requests_per_s) / requests_per_s;
    has_rate = true;
}

const char* sort_name(SortKey k) {
    switch (k) {
    // The words of --sort, so the header and the flag say the same thing.
    case SortKey::requests: return "requests";
    case SortKey::errors: return "errors";
    case SortKey::latency: return "latency";
    default: return "name";
    }
}

SortKey next_sort(SortKey k) {
    switch (k) {
    case SortKey::name: return SortKey::requests;
    case SortKey::requests: return SortKey::errors;
    case SortKey::errors: return SortKey::latency;
    default: return SortKey::name;
    }
}

void sort_frame(MonitorFrame& f, SortKey key) {
    auto by = [key](const RateSum& a, const RateSum& b, const std::string& na,
                    const std::string& nb) {
        if (key == SortKey::name) return na < nb;
        double va = sort_value(a, key), vb = sort_value(b, key);
        return va != vb ? va > vb : na < nb;
    };
    for (auto& s : f.services) {
        std::sort(s.instances.begin(), s.instances.end(), [&](const auto& a, const auto& b) {
            return by(a.total, b.total, a.view.instance_id, b.view.instance_id);
        });
    }
    std::sort(f.services.begin(), f.services.end(), [&](const auto& a, const auto& b) {
        return by(a.total, b.total, a.name, b.name);
    });
}

void filter_frame(MonitorFrame& f, const std::string& text) {
    if (text.empty()) return;
    std::string t = util::to_lower(text);
    auto has = [&](const std::string& s) { return util::to_lower(s).find(t) != std::string::npos; };
    std::vector<MonitorService> kept;
    for (auto& s : f.services) {
        if (!has(s.name)) {
            auto& in = s.instances;
            in.erase(std::remove_if(in.begin(), in.end(),
                                    [&](const auto& i) { return !has(i.view.instance_id); }),
                     in.end());
            if (in.empty()) continue;
        }
        kept.push_back(std::move(s));
    }
    f.services = std::move(kept);
}

Json to_json(const Happening& h) {
    return {{"at", wire::rfc3339_ms(h.at)},
            {"kind", h.kind},
            {"service", h.service.empty() ? Json() : Json(h.service)},
            {"instance", h.instance.empty() ? Json() : Json(h.instance)},
            {"text", h.text}};
}

Json to_json(const MonitorFrame& f, const std::vector<Happening>& fresh) {
    Json services = Json::array();
    for (const auto& s : f.services) {
        Json instances = Json::array(), groups = Json::array();
        for (const auto& i : s.instances) {
            Json eps = Json::array();
            for (const auto& e : i.endpoints) {
                RateSum one;
                one.add(e);
                Json j = {{"name", e.endpoint}};
                j.update(rate_json(one));
                j["num_requests"] = e.num_requests;
                j["num_errors"] = e.num_errors;
                j["last_error"] = e.last_error;
                j["queued"] = e.queued;
                j["shed"] = e.shed;
                j["expired"] = e.expired;
                eps.push_back(std::move(j));
            }
            Json j = {{"instance_id", i.view.instance_id}};
            j.update(rate_json(i.total));
            j["state"] = state_name(i.view.state);
            j["role"] = i.view.role.empty() ? Json() : Json(i.view.role);
            j["heartbeat_age_ms"] =
                i.view.entry && std::isfinite(i.view.entry->age_seconds)
                    ? Json(std::round(i.view.entry->age_seconds * 1000))
                    : Json();
            j["endpoints"] = std::move(eps);
            instances.push_back(std::move(j));
        }
        for (const auto& g : s.groups) {
            const auto& l = g.view.leader;
            groups.push_back(
                {{"group", g.view.group},
                 {"leader", l ? Json(l->instance_id) : Json()},
                 {"lease_age_ms", l && std::isfinite(l->lease_age_s(f.at))
                                      ? Json(std::round(l->lease_age_s(f.at) * 1000))
                                      : Json()},
                 {"lease_expired", g.view.lease_expired},
                 {"leader_changes", g.leader_changes}});
        }
        Json j = {{"name", s.name},
                  {"pattern", s.single_active ? "single-active" : "load-balanced"}};
        j.update(rate_json(s.total));
        j["instances"] = std::move(instances);
        j["groups"] = std::move(groups);
        services.push_back(std::move(j));
    }
    Json happenings = Json::array();
    for (const auto& h : fresh) happenings.push_back(to_json(h));
    return {{"type", "snapshot"},
            {"at", wire::rfc3339_ms(f.at)},
            {"stats_ms", f.took.count()},
            {"services", std::move(services)},
            {"events_seen", f.events_seen},
            {"happenings", std::move(happenings)}};
}

}  // namespace aegis::tool
