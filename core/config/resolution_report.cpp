// Printing a resolution: the one error that lists every attempt, and its JSON form.
#include "core/config/nats_url.hpp"
#include <string>
#include <vector>
#include "core/k8s/port_forward.hpp"
#include "core/nats/connection.hpp"
#include "core/util/error.hpp"

namespace aegis::config {

namespace {

const char* mark(AttemptStatus s) {
    switch (s) {
    case AttemptStatus::ok: return "[✓]";
    case AttemptStatus::failed: return "[✗]";
    case AttemptStatus::skipped: return "[-]";
    case AttemptStatus::planned: return "[~]";
    }
    return "[?]";
}

// What a user most likely has to fix. A Kubernetes step that failed means a cluster was meant to
// be there: its failure leads. Otherwise nothing runs where the user is (a laptop, or a
// container with no NATS on its Docker host either), and the fix that works everywhere leads:
// start a local server. The Docker host stays in the list below with its own fix.
std::string headline(const Resolution& r) {
    for (const char* step : {"port-forward", "service-ip", "kubernetes", "in-cluster"})
        for (auto& a : r.attempts)
            if (a.step == step && a.status == AttemptStatus::failed) return a.detail;
    return "nothing answers here; start a local server with 'aegis up'";
}

}  // namespace

std::vector<std::string> attempts_lines(const Resolution& r) {
    std::vector<std::string> out;
    const std::string indent(21, ' ');  // under the detail column
    for (auto& a : r.attempts) {
        std::string step = a.step;
        step.resize(std::max<size_t>(step.size(), 14), ' ');
        out.push_back(std::string("  ") + mark(a.status) + " " + step + " " + a.detail);
        if (!a.fix.empty() && a.status != AttemptStatus::ok)
            out.push_back(indent + "fix: " + a.fix);
    }
    return out;
}

namespace {

// "unset AEGIS_KUBE_CONTEXT", "edit /home/me/aegis.yaml:3": how to undo a choice.
std::string undo(const Pin& p) {
    if (p.source.rfind("env ", 0) == 0) return "unset " + p.source.substr(4);
    if (p.source.rfind("file ", 0) == 0) return "edit " + p.source.substr(5);
    return "change " + p.source;
}

// A step the user's choice made a requirement failed: that failure, its fix, and the choice.
[[noreturn]] void throw_stopped(const Resolution& r) {
    const Attempt* failed = nullptr;
    for (auto& a : r.attempts)
        if (a.status == AttemptStatus::failed) failed = &a;
    std::string what = failed ? "the " + failed->step + " step failed: " + failed->detail
                              : "the chosen Kubernetes target was not reached";
    std::string hint = failed ? failed->fix : std::string();
    for (auto& p : r.pins) hint += (hint.empty() ? "" : "; or ") + undo(p);
    throw UnavailableError(what + "; " + describe(r.pins) +
                               (r.pins.size() == 1 ? " was" : " were") +
                               " set explicitly, so no other server is tried",
                           hint);
}

}  // namespace

// Lines, not one text: a detail quotes kubectl and the network, and a line break in it is
// theirs (shown escaped), while the breaks between attempts are ours.
void throw_unresolved(const Resolution& r) {
    if (r.stopped) throw_stopped(r);
    std::vector<std::string> lines{"no NATS server found: " + headline(r), "tried, in order:"};
    for (auto& l : attempts_lines(r)) lines.push_back(std::move(l));
    lines.push_back("'aegis validate' diagnoses every step; 'aegis up' starts a local server");
    throw UnavailableError(std::move(lines));
}

Json to_json(const Resolution& r) {
    Json attempts = Json::array();
    for (auto& a : r.attempts) {
        Json j = {{"step", a.step},
                  {"target", nats::redact_url(a.target)},
                  {"status", to_string(a.status)},
                  {"detail", a.detail},
                  {"took_ms", a.took.count()}};
        if (!a.fix.empty()) j["fix"] = a.fix;
        attempts.push_back(std::move(j));
    }
    Json out = {{"found", r.found()},
                {"url", r.found() ? Json(nats::redact_url(r.url)) : Json(nullptr)},
                {"source", r.source},
                {"environment", k8s::to_string(r.detection.environment)},
                {"environment_reason", r.detection.reason},
                {"kube_context", r.detection.context},
                {"attempts", std::move(attempts)},
                {"stopped", r.stopped}};
    Json pins = Json::array();
    for (auto& p : r.pins)
        pins.push_back({{"field", p.field}, {"value", p.value}, {"source", p.source}});
    out["pinned"] = std::move(pins);
    if (r.port_forward) {
        out["port_forward"] = {{"command", r.port_forward->command_line()},
                               {"pid", r.port_forward->pid()},
                               {"local_port", r.port_forward->local_port()}};
    }
    return out;
}

}  // namespace aegis::config
