#include "core/history/checker.hpp"
#include <string>
#include <vector>

#include <fmt/format.h>

namespace aegis::history {

namespace {

std::string field(const Json& r, const char* key) {
    auto it = r.find(key);
    if (it == r.end()) return "?";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// "'order-2' (term 7) ran 'create_order' msg 'ab12'"
std::string exec_text(const Json& r) {
    return fmt::format("'{}' (term {}) ran '{}' msg '{}'", field(r, "instance"), field(r, "term"),
                       field(r, "method"), field(r, "msg_id"));
}

std::string plural(size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string overlap_text(const Finding& f) {
    const Json& a = f.first[0];
    const Json& b = f.first[1];
    return fmt::format("history: {} overlapping another instance's (first: {} while {} ran)",
                       plural(f.count, "exclusive execution", "exclusive executions"),
                       exec_text(b), exec_text(a));
}

std::string stale_text(const Finding& f) {
    std::string why;
    if (f.first.size() == 1) {
        why = "holding no lease";
    } else {
        const Json& l = f.first[0];
        why = field(l, "event") == "acquired"
                  ? fmt::format("after '{}' acquired term {}", field(l, "instance"),
                                field(l, "term"))
                  : fmt::format("after its lease was {}", field(l, "event"));
    }
    return fmt::format("history: {} started on a lease no longer held (first: {} {})",
                       plural(f.count, "execution", "executions"), exec_text(f.first.back()), why);
}

}  // namespace

std::vector<std::string> Verdict::problems() const {
    std::vector<std::string> out;
    if (overlaps.count) out.push_back(overlap_text(overlaps));
    if (stale.count) out.push_back(stale_text(stale));
    if (lost_acks.count) {
        const Json& a = lost_acks.first[0];
        out.push_back(fmt::format(
            "history: {} acknowledged but lost (first: msg '{}'{})",
            plural(lost_acks.count, "call", "calls"), field(a, "msg_id"),
            a.contains("order_id") ? ", order '" + field(a, "order_id") + "'" : std::string()));
    }
    if (duplicate_orders.count)
        out.push_back(fmt::format("history: {} created more than once (first: '{}' by '{}' and "
                                  "'{}')",
                                  plural(duplicate_orders.count, "order", "orders"),
                                  field(duplicate_orders.first[0], "order_id"),
                                  field(duplicate_orders.first[0], "instance"),
                                  field(duplicate_orders.first[1], "instance")));
    return out;
}

std::string verdict_line(const Verdict& v) {
    std::string acks = v.acks_checked ? plural(v.lost_acks.count, "lost ack", "lost acks")
                                      : std::string("acks not checked");
    std::string line = fmt::format(
        "history: {} by {}, {}, {}, {}, {}", plural(v.executions, "execution", "executions"),
        plural(v.instances, "instance", "instances"), plural(v.overlaps.count, "overlap", "overlaps"),
        plural(v.stale.count, "stale-lease execution", "stale-lease executions"), acks,
        plural(v.duplicate_orders.count, "duplicate order", "duplicate orders"));
    if (v.malformed) line += fmt::format(" ({} skipped)", plural(v.malformed, "malformed line",
                                                                 "malformed lines"));
    return line + (v.ok() ? ": ok" : ": FAILED");
}

Json to_json(const Verdict& v) {
    auto finding = [](const Finding& f) { return Json{{"count", f.count}, {"first", f.first}}; };
    return Json{{"ok", v.ok()},
                {"executions", v.executions},
                {"instances", v.instances},
                {"lease_events", v.lease_events},
                {"orders", v.orders},
                {"acks", v.acks},
                {"acks_checked", v.acks_checked},
                {"malformed", v.malformed},
                {"overlaps", finding(v.overlaps)},
                {"stale", finding(v.stale)},
                {"lost_acks", finding(v.lost_acks)},
                {"duplicate_orders", finding(v.duplicate_orders)}};
}

}  // namespace aegis::history
