#include "core/nats/consumer.hpp"
#include <optional>
#include <chrono>
#include <string>

#include <nats/nats.h>

#include <charconv>
#include <vector>

#include "core/nats/status.hpp"
#include "core/util/error.hpp"

namespace aegis::nats {

namespace {

jsDeliverPolicy to_js(DeliverPolicy p) {
    switch (p) {
    case DeliverPolicy::last: return js_DeliverLast;
    case DeliverPolicy::new_: return js_DeliverNew;
    case DeliverPolicy::by_start_time: return js_DeliverByStartTime;
    default: return js_DeliverAll;
    }
}

DeliverPolicy from_js(jsDeliverPolicy p) {
    switch (p) {
    case js_DeliverLast: return DeliverPolicy::last;
    case js_DeliverNew: return DeliverPolicy::new_;
    case js_DeliverByStartTime: return DeliverPolicy::by_start_time;
    default: return DeliverPolicy::all;
    }
}

std::string str(const char* s) { return s ? s : ""; }

ConsumerInfo to_info(const jsConsumerInfo* ci) {
    ConsumerInfo out;
    const jsConsumerConfig* c = ci->Config;
    out.config.stream = str(ci->Stream);
    out.name = str(ci->Name);
    out.config.durable = str(c->Durable);
    out.config.filter_subject = str(c->FilterSubject);
    out.config.deliver_subject = str(c->DeliverSubject);
    out.config.deliver_group = str(c->DeliverGroup);
    out.config.deliver_policy = from_js(c->DeliverPolicy);
    out.config.ack_none = c->AckPolicy == js_AckNone;
    out.config.max_deliver = c->MaxDeliver;
    out.config.ack_wait = std::chrono::duration_cast<milliseconds>(
        std::chrono::nanoseconds(c->AckWait));
    out.config.max_ack_pending = c->MaxAckPending;
    out.config.inactive_threshold = std::chrono::nanoseconds(c->InactiveThreshold);
    out.config.description = str(c->Description);
    out.push_bound = ci->PushBound;
    out.num_pending = ci->NumPending;
    out.num_ack_pending = ci->NumAckPending;
    out.num_redelivered = ci->NumRedelivered;
    return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t dot = s.find(sep, start);
        out.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) return out;
        start = dot + 1;
    }
}

template <class T>
bool number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

void reply_with(Connection& conn, const Msg& m, std::string_view body) {
    if (!is_jetstream_delivery(m)) return;
    conn.publish(m.reply(), body);
}

}  // namespace

std::optional<ConsumerInfo> consumer_info(Connection& conn, const std::string& stream,
                                          const std::string& durable) {
    jsConsumerInfo* ci = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s =
        js_GetConsumerInfo(&ci, conn.jetstream(), stream.c_str(), durable.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSConsumerNotFoundErr || code == JSStreamNotFoundErr)
        return std::nullopt;
    check_jetstream_reached(s, code, "consumer info '" + stream + "." + durable + "'");
    check(s, "consumer info '" + stream + "." + durable + "'");
    ConsumerInfo out = to_info(ci);
    jsConsumerInfo_Destroy(ci);
    return out;
}

ConsumerInfo add_consumer(Connection& conn, const ConsumerConfig& config) {
    jsConsumerConfig c;
    jsConsumerConfig_Init(&c);
    std::string deliver = config.deliver_subject.empty() ? conn.new_inbox()
                                                         : config.deliver_subject;
    if (!config.durable.empty()) c.Durable = config.durable.c_str();
    if (!config.filter_subject.empty()) c.FilterSubject = config.filter_subject.c_str();
    if (!config.deliver_group.empty()) c.DeliverGroup = config.deliver_group.c_str();
    if (!config.description.empty()) c.Description = config.description.c_str();
    c.DeliverSubject = deliver.c_str();
    c.DeliverPolicy = to_js(config.deliver_policy);
    if (config.deliver_policy == DeliverPolicy::by_start_time)
        c.OptStartTime = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             config.start_time.time_since_epoch())
                             .count();
    c.AckPolicy = config.ack_none ? js_AckNone : js_AckExplicit;
    c.MaxDeliver = config.max_deliver;
    c.AckWait = std::chrono::duration_cast<std::chrono::nanoseconds>(config.ack_wait).count();
    if (config.max_ack_pending > 0) c.MaxAckPending = config.max_ack_pending;
    c.InactiveThreshold = config.inactive_threshold.count();
    jsConsumerInfo* ci = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddConsumer(&ci, conn.jetstream(), config.stream.c_str(), &c, nullptr, &code);
    if (s != NATS_OK) {
        // Another instance created the same durable first (with its own inbox): use that one.
        if (!config.durable.empty())
            if (auto existing = consumer_info(conn, config.stream, config.durable)) return *existing;
        check(s, "create consumer '" + config.durable + "' on stream '" + config.stream + "'");
    }
    ConsumerInfo out = to_info(ci);
    jsConsumerInfo_Destroy(ci);
    return out;
}

std::string deliver_subject_for(const std::string& stream, const std::string& durable) {
    return "_INBOX.aegis." + stream + "." + durable;
}

bool delete_consumer(Connection& conn, const std::string& stream, const std::string& durable) {
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_DeleteConsumer(conn.jetstream(), stream.c_str(), durable.c_str(), nullptr,
                                     &code);
    if (s == NATS_NOT_FOUND || code == JSConsumerNotFoundErr || code == JSStreamNotFoundErr)
        return false;
    check(s, "delete consumer '" + durable + "'");
    return true;
}

std::optional<JsMeta> parse_ack_subject(std::string_view reply) {
    // v1: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<tm>.<pending>
    // v2: $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>...<pending>[.<token>]
    if (!reply.starts_with("$JS.ACK.")) return std::nullopt;
    auto t = split(reply, '.');
    size_t at = 0;
    if (t.size() == 9) at = 2;
    else if (t.size() >= 11) at = 4;
    else return std::nullopt;
    JsMeta m;
    m.stream = std::string(t[at]);
    m.consumer = std::string(t[at + 1]);
    if (!number(t[at + 2], m.delivered) || !number(t[at + 3], m.stream_seq) ||
        !number(t[at + 4], m.consumer_seq) || !number(t[at + 5], m.timestamp_ns) ||
        !number(t[at + 6], m.pending))
        return std::nullopt;
    return m;
}

bool is_jetstream_delivery(const Msg& m) { return m.reply().starts_with("$JS.ACK."); }

void ack(Connection& conn, const Msg& m) { reply_with(conn, m, "+ACK"); }

void nak(Connection& conn, const Msg& m, milliseconds delay) {
    if (delay.count() <= 0) {
        reply_with(conn, m, "-NAK");
        return;
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count();
    reply_with(conn, m, "-NAK {\"delay\": " + std::to_string(ns) + "}");
}

void term(Connection& conn, const Msg& m) { reply_with(conn, m, "+TERM"); }

void in_progress(Connection& conn, const Msg& m) { reply_with(conn, m, "+WPI"); }

}  // namespace aegis::nats
