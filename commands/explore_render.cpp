#include "commands/explore_render.hpp"
#include <chrono>
#include <vector>
#include <string>

#include <fmt/format.h>

#include "core/output/table.hpp"
#include "core/output/visible.hpp"

namespace aegis::cmd {

using tool::InstanceState;
using tool::InstanceView;
using tool::ServiceView;

namespace {

// Everything in a snapshot comes from the network: names, ids, versions and metadata reach the
// terminal only through this.
using output::visible;

// Pieces aegis composed (counts, leader texts), which may carry our colours: joined as they are.
std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// Strings from the network (versions, methods): each rendered visibly, then joined.
std::string join_visible(const std::vector<std::string>& v, const std::string& sep,
                         size_t max = 0) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + visible(s);
    if (max && out.size() > max) out = out.substr(0, max - 3) + "...";
    return out;
}

// " (12 queued, 3,400 shed, 5 expired)": what an overloaded instance reports of its lanes.
std::string load_counts(const InstanceView& v) {
    Json load = tool::load_json(v.srv_metadata);
    if (load.is_null()) return "";
    std::vector<std::string> parts;
    for (const char* k : {"queued", "shed", "expired"})
        if (load[k].is_number()) parts.push_back(fmt::format("{} {}", load[k].get<uint64_t>(), k));
    return parts.empty() ? "" : " (" + join(parts, ", ") + ")";
}

std::string state_text(const InstanceView& v, const output::Style& st) {
    std::string s = tool::state_name(v.state);
    switch (v.state) {
    case InstanceState::healthy: return st.green(s);
    case InstanceState::overloaded: return st.yellow(s + load_counts(v));
    case InstanceState::stale: return st.yellow(s);
    case InstanceState::ghost:
    case InstanceState::unhealthy: return st.red(s);
    case InstanceState::unregistered: return st.magenta(s);
    case InstanceState::mismatched_key: return st.red("mismatched key");
    default: return st.dim(s);
    }
}

std::string counts_text(const ServiceView& s, const output::Style& st) {
    std::vector<std::string> parts;
    for (auto state : {InstanceState::healthy, InstanceState::unverified, InstanceState::unhealthy,
                       InstanceState::overloaded, InstanceState::stale, InstanceState::ghost,
                       InstanceState::unregistered, InstanceState::mismatched_key}) {
        size_t n = s.count(state);
        if (n == 0) continue;
        std::string name = tool::state_name(state);
        std::replace(name.begin(), name.end(), '_', ' ');
        std::string t = fmt::format("{} {}", n, name);
        parts.push_back(state == InstanceState::healthy || state == InstanceState::unverified
                            ? t
                            : st.yellow(t));
    }
    return parts.empty() ? st.dim("none") : join(parts, ", ");
}

std::string leader_text(const tool::GroupView& g, wire::SysTime now, const output::Style& st,
                        bool with_group) {
    std::string prefix = with_group ? visible(g.group) + ": " : "";
    if (!g.leader) return prefix + st.red("no leader");
    std::string lease = "lease " + tool::human_age(g.leader->lease_age_s(now));
    if (g.lease_expired) lease = st.red(lease + ", expired");
    return prefix + visible(g.leader->instance_id) + " (" + lease + ")";
}

std::string leaders_text(const ServiceView& s, wire::SysTime now, const output::Style& st) {
    if (!s.single_active) return st.dim("-");
    std::vector<std::string> parts;
    for (const auto& g : s.groups) parts.push_back(leader_text(g, now, st, s.groups.size() > 1));
    return parts.empty() ? st.red("no leader") : join(parts, "; ");
}

std::string methods_text(const ServiceView& s, const output::Style& st) {
    if (!s.methods.empty()) return join_visible(s.methods, ", ", 48);
    bool answers = std::any_of(s.instances.begin(), s.instances.end(),
                               [](const InstanceView& v) { return v.answers_srv; });
    if (answers) return st.dim("none");
    bool python = std::all_of(s.instances.begin(), s.instances.end(),
                              [](const InstanceView& v) { return v.sdk == "python"; });
    return st.dim(python && !s.instances.empty() ? "? (no $SRV)" : "?");
}

std::string instance_line(const InstanceView& v, wire::SysTime now, const output::Style& st) {
    std::string hb = v.entry ? "hb " + tool::human_age(v.entry->age_seconds) : "not registered";
    std::string rtt = v.rtt_ms ? fmt::format("rtt {:.2f} ms", *v.rtt_ms) : "no $SRV";
    std::string md =
        v.entry ? visible(tool::metadata_summary(v.entry->instance.metadata, now)) : "";
    std::string out = visible(v.instance_id) + "  " + (v.role.empty() ? "" : v.role + "  ") +
                      state_text(v, st) + "  " + st.dim(hb + "  " + rtt);
    if (!v.sdk.empty()) out += st.dim("  " + visible(v.sdk));
    if (!md.empty()) out += st.dim("  " + md);
    return out;
}

}  // namespace

std::string render_services(const tool::SystemSnapshot& snap, const output::Style& st) {
    output::Table t({"SERVICE", "PATTERN", "INSTANCES", "VERSION", "METHODS", "LEADER"});
    for (const auto& s : snap.services) {
        t.add({st.bold(visible(s.name)), s.pattern(), counts_text(s, st),
               s.versions.empty() ? "-" : join_visible(s.versions, ", "), methods_text(s, st),
               leaders_text(s, snap.taken_at, st)});
    }
    return t.render();
}

std::string render_instances(const ServiceView& s, const output::Style& st, wire::SysTime now) {
    std::string out = st.bold(visible(s.name)) + "  " + s.pattern();
    if (!s.versions.empty()) out += "  v" + join_visible(s.versions, ", v");
    out += "\n";
    for (const auto& g : s.groups)
        out += "  group " + leader_text(g, now, st, true) + "\n";
    if (s.instances.empty()) return out + st.dim("  no instances listed") + "\n";
    output::Table t({"INSTANCE", "ROLE", "STATE", "HEARTBEAT", "RTT", "SDK", "METADATA"});
    for (const auto& v : s.instances) {
        t.add({visible(v.instance_id), v.role.empty() ? "-" : v.role, state_text(v, st),
               v.entry ? tool::human_age(v.entry->age_seconds) + " ago" : "-",
               v.rtt_ms ? fmt::format("{:.2f} ms", *v.rtt_ms) : "-",
               v.sdk.empty() ? "-" : visible(v.sdk),
               visible(v.entry ? tool::metadata_summary(v.entry->instance.metadata, now)
                               : tool::metadata_summary(v.srv_metadata, now))});
    }
    std::string table = t.render();
    // Indent the table under its heading.
    std::string indented;
    size_t pos = 0;
    while (pos < table.size()) {
        size_t nl = table.find('\n', pos);
        indented += "  " + table.substr(pos, nl - pos + 1);
        pos = nl == std::string::npos ? table.size() : nl + 1;
    }
    return out + indented;
}

std::string render_tree(const tool::SystemSnapshot& snap, const output::Style& st) {
    std::string out;
    auto now = snap.taken_at;
    for (const auto& s : snap.services) {
        out += st.bold(visible(s.name)) + "  " + s.pattern();
        if (!s.versions.empty()) out += "  v" + join_visible(s.versions, ", v");
        if (!s.methods.empty()) out += st.dim("  [" + join_visible(s.methods, ", ") + "]");
        out += "\n";
        // Groups first (with their members), then instances that belong to no group.
        std::vector<std::pair<std::string, std::vector<const InstanceView*>>> branches;
        for (const auto& g : s.groups) branches.push_back({g.group, {}});
        std::vector<const InstanceView*> loose;
        for (const auto& v : s.instances) {
            auto it = std::find_if(branches.begin(), branches.end(),
                                   [&](const auto& b) { return b.first == v.group; });
            (it != branches.end() ? it->second : loose).push_back(&v);
        }
        size_t n = branches.size() + loose.size(), i = 0;
        for (size_t gi = 0; gi < branches.size(); ++gi) {
            bool last = ++i == n;
            out += (last ? "└── " : "├── ") + std::string("group ") +
                   leader_text(s.groups[gi], now, st, true) + "\n";
            const auto& members = branches[gi].second;
            for (size_t k = 0; k < members.size(); ++k)
                out += std::string(last ? "    " : "│   ") +
                       (k + 1 == members.size() ? "└── " : "├── ") +
                       instance_line(*members[k], now, st) + "\n";
        }
        for (const auto* v : loose)
            out += (++i == n ? "└── " : "├── ") + instance_line(*v, now, st) + "\n";
    }
    return out;
}

std::string render_flags(const tool::SystemSnapshot& snap, const output::Style& st) {
    std::string out;
    if (!snap.flags.empty()) {
        output::Table t({"FLAG", "WHERE", "WHAT"});
        for (const auto& f : snap.flags) {
            std::string kind = tool::flag_name(f.kind);
            std::replace(kind.begin(), kind.end(), '_', ' ');
            std::string where =
                visible(f.service + (f.instance.empty() ? "" : "/" + f.instance));
            bool bad = f.kind == tool::FlagKind::ghost || f.kind == tool::FlagKind::no_leader;
            t.add({bad ? st.red(kind) : st.yellow(kind), where, visible(f.message)});
        }
        out += t.render();
    }
    if (snap.stale_hidden > 0)
        out += st.dim(fmt::format("{} stale instance{} hidden (--all lists them)\n",
                                  snap.stale_hidden, snap.stale_hidden == 1 ? "" : "s"));
    if (snap.unreadable > 0)
        out += st.dim(fmt::format("{} registry value{} nobody can read\n", snap.unreadable,
                                  snap.unreadable == 1 ? "" : "s"));
    return out;
}

std::string render_explore(const tool::SystemSnapshot& snap, const output::Style& st, bool tree,
                           bool only_service) {
    if (snap.services.empty()) return st.dim("no services registered or answering $SRV") + "\n";
    std::string out;
    if (tree) {
        out = render_tree(snap, st);
    } else {
        if (!only_service) out = render_services(snap, st) + "\n";
        for (size_t i = 0; i < snap.services.size(); ++i)
            out += (i ? "\n" : "") + render_instances(snap.services[i], st, snap.taken_at);
    }
    std::string flags = render_flags(snap, st);
    if (!flags.empty()) out += "\n" + flags;
    return out;
}

std::string snapshot_signature(const tool::SystemSnapshot& snap) {
    std::string sig;
    for (const auto& s : snap.services) {
        sig += s.name + ":" + s.pattern() + "[" + join(s.methods, ",") + "]";
        for (const auto& g : s.groups)
            sig += "{" + g.group + "=" + (g.leader ? g.leader->instance_id : "") +
                   (g.lease_expired ? "!" : "") + "}";
        for (const auto& v : s.instances)
            sig += "(" + v.instance_id + " " + tool::state_name(v.state) + " " + v.role + ")";
        sig += ";";
    }
    return sig;
}

std::string render_prune(const std::vector<registry::PruneResult>& results, bool dry_run,
                         std::chrono::seconds stale_after, const output::Style& st) {
    using Outcome = registry::PruneResult::Outcome;
    if (results.empty())
        return fmt::format("no stale entries (no heartbeat for over {}s)\n", stale_after.count());
    std::string out;
    size_t removed = 0, kept = 0;
    for (const auto& r : results) {
        std::string what = r.outcome == Outcome::deleted      ? st.green("deleted")
                           : r.outcome == Outcome::would_delete ? st.yellow("would delete")
                                                                : st.dim("kept (alive again)");
        removed += r.outcome != Outcome::kept;
        kept += r.outcome == Outcome::kept;
        out += fmt::format("{}  {}/{}  last heartbeat {} ago\n", what, visible(r.service),
                           visible(r.instance_id), tool::human_age(r.age_seconds));
    }
    out += fmt::format("{} {} stale entr{}{}\n", dry_run ? "would delete" : "deleted", removed,
                       removed == 1 ? "y" : "ies",
                       kept ? fmt::format(", {} kept (heartbeat since listed)", kept) : "");
    return out;
}

Json prune_json(const std::vector<registry::PruneResult>& results, bool dry_run,
                std::chrono::seconds stale_after) {
    Json entries = Json::array();
    for (const auto& r : results)
        entries.push_back({{"service", r.service},
                           {"instance_id", r.instance_id},
                           {"age_ms", static_cast<int64_t>(r.age_seconds * 1000)},
                           {"revision", r.revision},
                           {"outcome", registry::to_string(r.outcome)}});
    return Json{{"dry_run", dry_run},
                {"stale_after_ms", static_cast<int64_t>(stale_after.count()) * 1000},
                {"entries", std::move(entries)}};
}

}  // namespace aegis::cmd
