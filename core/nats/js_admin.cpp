#include "core/nats/js_admin.hpp"

#include "core/nats/connection.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::nats {

namespace {

// One JetStream API request; the decoded reply, or DataError / UnavailableError.
Json api(Connection& conn, const std::string& subject, const Json& body) {
    Msg m = conn.request(subject, body.is_null() ? std::string() : body.dump(),
                         milliseconds(5000));
    Json r = wire::from_json(std::string(m.data()));
    return r;
}

bool is_not_found(const Json& r) {
    return r.contains("error") && r["error"].value("code", 0) == 404;
}

std::vector<std::string> names(Connection& conn, const std::string& subject, const char* key) {
    std::vector<std::string> out;
    for (int offset = 0;;) {
        Json r = api(conn, subject, Json{{"offset", offset}});
        if (is_not_found(r)) return out;
        if (r.contains("error"))
            throw UnavailableError("JetStream: " + r["error"].value("description", "error"));
        if (!r.contains(key) || !r[key].is_array()) return out;
        for (const auto& n : r[key]) out.push_back(n.get<std::string>());
        offset += static_cast<int>(r[key].size());
        if (r[key].empty() || offset >= r.value("total", 0)) return out;
    }
}

}  // namespace

std::vector<std::string> stream_names(Connection& conn) {
    return names(conn, "$JS.API.STREAM.NAMES", "streams");
}

std::vector<std::string> consumer_names(Connection& conn, const std::string& stream) {
    return names(conn, "$JS.API.CONSUMER.NAMES." + stream, "consumers");
}

bool delete_stream(Connection& conn, const std::string& stream) {
    Json r = api(conn, "$JS.API.STREAM.DELETE." + stream, nullptr);
    if (is_not_found(r)) return false;
    if (r.contains("error"))
        throw UnavailableError("cannot delete stream '" + stream +
                               "': " + r["error"].value("description", "error"));
    return true;
}

void purge_subject(Connection& conn, const std::string& stream, const std::string& filter) {
    Json r = api(conn, "$JS.API.STREAM.PURGE." + stream, Json{{"filter", filter}});
    if (r.contains("error") && !is_not_found(r))
        throw UnavailableError("cannot purge '" + filter + "' from stream '" + stream +
                               "': " + r["error"].value("description", "error"));
}

uint64_t subject_messages(Connection& conn, const std::string& stream, const std::string& filter) {
    Json r = api(conn, "$JS.API.STREAM.INFO." + stream, Json{{"subjects_filter", filter}});
    if (is_not_found(r) || !r.contains("state")) return 0;
    uint64_t n = 0;
    if (r["state"].contains("subjects"))
        for (const auto& [subject, count] : r["state"]["subjects"].items()) n += count.get<uint64_t>();
    return n;
}

}  // namespace aegis::nats
