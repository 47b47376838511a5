#include "core/nats/js_admin.hpp"
#include <map>
#include <vector>
#include <string>

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

std::string base64_decode(std::string_view in) {
    static const std::string k_alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        auto v = k_alphabet.find(c);
        if (v == std::string::npos) continue;  // padding, line breaks
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

}  // namespace

size_t messages_containing(Connection& conn, const std::string& stream, const std::string& filter,
                           const std::string& needle, bool erase, size_t max_scan) {
    size_t found = 0;
    uint64_t seq = 1;
    for (size_t scanned = 0; scanned < max_scan; ++scanned) {
        Json r = api(conn, "$JS.API.STREAM.MSG.GET." + stream,
                     Json{{"seq", seq}, {"next_by_subj", filter}});
        if (r.contains("error") || !r.contains("message")) break;  // 404: no more
        const auto& m = r["message"];
        seq = m.value("seq", uint64_t{0});
        if (base64_decode(m.value("data", "")).find(needle) != std::string::npos) {
            ++found;
            if (erase) api(conn, "$JS.API.STREAM.MSG.DELETE." + stream, Json{{"seq", seq}});
        }
        ++seq;
    }
    return found;
}

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

std::map<std::string, uint64_t> stream_subjects(Connection& conn, const std::string& stream,
                                                const std::string& filter) {
    std::map<std::string, uint64_t> out;
    Json r = api(conn, "$JS.API.STREAM.INFO." + stream, Json{{"subjects_filter", filter}});
    if (is_not_found(r) || !r.contains("state") || !r["state"].contains("subjects")) return out;
    for (const auto& [subject, count] : r["state"]["subjects"].items())
        out[subject] = count.get<uint64_t>();
    return out;
}

uint64_t subject_messages(Connection& conn, const std::string& stream, const std::string& filter) {
    uint64_t n = 0;
    for (const auto& [subject, count] : stream_subjects(conn, stream, filter)) n += count;
    return n;
}

}  // namespace aegis::nats
