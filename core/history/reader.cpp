#include "core/history/checker.hpp"
#include <string>
#include <vector>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/util/error.hpp"

namespace aegis::history {

namespace {

constexpr size_t k_max_line = size_t{1} << 20;

// A field of the expected type, or nothing: the history is hostile input.
bool text(const Json& j, const char* key, std::string& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

bool number(const Json& j, const char* key, int64_t& out) {
    auto it = j.find(key);
    if (it == j.end()) return false;
    if (it->is_number_unsigned()) {
        auto v = it->get<uint64_t>();
        if (v > static_cast<uint64_t>(INT64_MAX)) return false;
        out = static_cast<int64_t>(v);
        return true;
    }
    if (!it->is_number_integer()) return false;
    out = it->get<int64_t>();
    return true;
}

bool term_of(const Json& j, uint64_t& out) {
    int64_t v = 0;
    if (!number(j, "term", v) || v < 0) return false;
    out = static_cast<uint64_t>(v);
    return true;
}

bool is_lease_event(const std::string& e) {
    return e == "acquired" || e == "renewed-failed" || e == "lost" || e == "fenced" ||
           e == "released";
}

bool add_exec(History& h, const Json& j) {
    Exec e;
    if (!text(j, "service", e.service) || !text(j, "instance", e.instance) || !term_of(j, e.term) ||
        !number(j, "start_us", e.start_us) || !number(j, "end_us", e.end_us) ||
        e.end_us < e.start_us || !text(j, "group", e.group, false) ||
        !text(j, "method", e.method, false) || !text(j, "msg_id", e.msg_id, false) ||
        !text(j, "outcome", e.outcome, false))
        return false;
    e.raw = j;
    h.execs.push_back(std::move(e));
    return true;
}

bool add_lease(History& h, const Json& j) {
    LeaseEvent e;
    if (!text(j, "instance", e.instance) || !term_of(j, e.term) || !text(j, "event", e.event) ||
        !is_lease_event(e.event) || !number(j, "t_us", e.t_us) ||
        !text(j, "service", e.service, false) || !text(j, "group", e.group, false))
        return false;
    e.raw = j;
    h.leases.push_back(std::move(e));
    return true;
}

bool add_order(History& h, const Json& j) {
    Order o;
    if (!text(j, "order_id", o.order_id) || !number(j, "t_us", o.t_us) ||
        !text(j, "service", o.service, false) || !text(j, "instance", o.instance, false))
        return false;
    o.raw = j;
    h.orders.push_back(std::move(o));
    return true;
}

bool add_ack(History& h, const Json& j) {
    Ack a;
    if (!number(j, "t_us", a.t_us) || !text(j, "service", a.service, false) ||
        !text(j, "msg_id", a.msg_id, false) || !text(j, "order_id", a.order_id, false) ||
        (a.msg_id.empty() && a.order_id.empty()))
        return false;
    a.raw = j;
    h.acks.push_back(std::move(a));
    return true;
}

bool add_final(History& h, const Json& j) {
    Final f;
    auto ids = j.find("order_ids");
    if (ids == j.end() || !ids->is_array() || !number(j, "t_us", f.t_us) ||
        !text(j, "service", f.service, false))
        return false;
    for (const auto& id : *ids) {
        if (!id.is_string()) return false;
        f.order_ids.push_back(id.get<std::string>());
    }
    h.finals.push_back(std::move(f));
    return true;
}

bool add_record(History& h, const std::string& line) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;
    auto kind = j.find("kind");
    if (kind == j.end() || !kind->is_string()) return false;
    const auto& k = kind->get_ref<const std::string&>();
    if (k == "exec") return add_exec(h, j);
    if (k == "lease") return add_lease(h, j);
    if (k == "order") return add_order(h, j);
    if (k == "ack") return add_ack(h, j);
    if (k == "final") return add_final(h, j);
    return false;
}

// The next line, at most k_max_line bytes kept; false at the end. `too_long`: it was cut.
bool next_line(std::istream& in, std::string& line, bool& too_long) {
    line.clear();
    too_long = false;
    std::streambuf* sb = in.rdbuf();
    if (!sb) return false;
    bool any = false;
    for (;;) {
        int c = sb->sbumpc();
        if (c == std::char_traits<char>::eof()) return any;
        any = true;
        if (c == '\n') return true;
        if (line.size() < k_max_line)
            line.push_back(static_cast<char>(c));
        else
            too_long = true;
    }
}

}  // namespace

History parse_history(std::istream& in) {
    History h;
    std::string line;
    bool too_long = false;
    while (next_line(in, line, too_long)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos && !too_long) continue;
        ++h.lines;
        if (too_long || !add_record(h, line)) ++h.malformed;
    }
    return h;
}

History read_history(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return History{};
        throw IoError("cannot read the history '" + path + "': " + std::strerror(errno));
    }
    return parse_history(in);
}

}  // namespace aegis::history
