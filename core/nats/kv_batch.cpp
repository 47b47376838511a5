#include "core/nats/kv_batch.hpp"

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/nats/connection.hpp"
#include "core/nats/message.hpp"
#include "core/nats/write_batch.hpp"
#include "core/util/error.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::nats {

namespace {

KvOp kv_op_of(const Msg& m) {
    auto op = m.header("KV-Operation");
    if (op == "DEL") return KvOp::del;
    if (op == "PURGE") return KvOp::purge;
    return KvOp::put;
}

// A direct get's answer: the stored message with Nats-Sequence / Nats-Time-Stamp headers, or an
// empty message with a Status header (404: the key has no message).
std::optional<KvEntry> entry_of(const Msg& m, const std::string& key, const std::string& bucket) {
    auto status = m.header("Status");
    if (status && m.data().empty()) {
        if (*status == "404") return std::nullopt;
        throw UnavailableError("JetStream refused to get KV '" + bucket + "' key '" + key +
                               "' (status " + status->substr(0, 8) + ")");
    }
    KvEntry e;
    e.key = key;
    e.value.assign(m.data());
    auto seq = m.header("Nats-Sequence");
    if (!seq || std::from_chars(seq->data(), seq->data() + seq->size(), e.revision).ec != std::errc())
        throw UnavailableError("JetStream answered a get of KV '" + bucket + "' key '" + key +
                               "' without a sequence");
    if (auto ts = m.header("Nats-Time-Stamp"))
        if (auto t = wire::parse_timestamp(*ts))
            e.created = std::chrono::time_point_cast<std::chrono::system_clock::duration>(*t);
    e.op = kv_op_of(m);
    return e;
}

size_t reply_index(std::string_view subject, size_t prefix, size_t n) {
    size_t i = n;
    if (subject.size() <= prefix) return n;
    auto tail = subject.substr(prefix);
    if (std::from_chars(tail.data(), tail.data() + tail.size(), i).ec != std::errc()) return n;
    return i;
}

}  // namespace

std::vector<std::optional<KvEntry>> kv_direct_get_last(Connection& conn,
                                                       const std::string& bucket,
                                                       const std::vector<std::string>& keys,
                                                       milliseconds timeout) {
    const size_t n = keys.size();
    std::vector<std::optional<KvEntry>> out(n);
    if (n == 0) return out;
    const std::string inbox = conn.new_inbox() + ".";
    auto sub = conn.subscribe_sync(inbox + "*");
    const std::string api = "$JS.API.DIRECT.GET.KV_" + bucket + ".$KV." + bucket + ".";
    std::vector<bool> answered(n, false);
    size_t sent = 0, got = 0;
    auto send_upto = [&](size_t limit) {
        write_batch::Hold together;  // on an adaptive connection: one write, not one per get
        for (; sent < limit && sent < n; ++sent)
            conn.publish(api + keys[sent], {}, inbox + std::to_string(sent));
    };
    send_upto(k_kv_batch_window);
    // The bound is per answer, as one request's would be: no progress for `timeout` ends it.
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got < n) {
        auto left = std::chrono::ceil<milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw TimeoutError("timed out listing KV '" + bucket + "': " + std::to_string(n - got) +
                               " of " + std::to_string(n) + " keys unanswered");
        Msg m;
        try {
            m = sub.next(left);
        } catch (const NoRespondersError&) {
            throw UnavailableError("nobody answers direct gets of KV '" + bucket + "'");
        }
        if (!m) continue;
        size_t i = reply_index(m.subject(), inbox.size(), n);
        if (i >= n || answered[i]) continue;  // not one of ours, or a duplicate
        answered[i] = true;
        out[i] = entry_of(m, keys[i], bucket);
        ++got;
        deadline = std::chrono::steady_clock::now() + timeout;
        // Refilled by half windows: the gets go out in batches, written together.
        if (sent - got <= k_kv_batch_window / 2) send_upto(got + k_kv_batch_window);
    }
    return out;
}

}  // namespace aegis::nats
