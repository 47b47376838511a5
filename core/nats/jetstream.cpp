#include "core/nats/jetstream.hpp"
#include <optional>
#include <chrono>
#include <vector>
#include <string>
#include "core/nats/kv.hpp"

#include <nats/nats.h>

#include "core/nats/status.hpp"
#include "core/util/error.hpp"
#include "core/wire/codec.hpp"

namespace aegis::nats {

namespace {

jsRetentionPolicy to_js(Retention r) {
    switch (r) {
    case Retention::interest: return js_InterestPolicy;
    case Retention::workqueue: return js_WorkQueuePolicy;
    default: return js_LimitsPolicy;
    }
}

Retention from_js(jsRetentionPolicy r) {
    switch (r) {
    case js_InterestPolicy: return Retention::interest;
    case js_WorkQueuePolicy: return Retention::workqueue;
    default: return Retention::limits;
    }
}

}  // namespace

std::optional<StreamInfo> stream_info(Connection& conn, const std::string& name) {
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_GetStreamInfo(&si, conn.jetstream(), name.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) return std::nullopt;
    check_jetstream_reached(s, code, "stream info '" + name + "'");
    check(s, "stream info '" + name + "'");
    StreamInfo out;
    const jsStreamConfig* c = si->Config;
    out.config.name = c->Name ? c->Name : name;
    for (int i = 0; i < c->SubjectsLen; ++i) out.config.subjects.emplace_back(c->Subjects[i]);
    out.config.retention = from_js(c->Retention);
    out.config.max_msgs = c->MaxMsgs;
    out.config.max_age = std::chrono::nanoseconds(c->MaxAge);
    out.config.duplicate_window = std::chrono::nanoseconds(c->Duplicates);
    out.config.replicas = static_cast<int>(c->Replicas);
    out.messages = si->State.Msgs;
    out.bytes = si->State.Bytes;
    out.first_seq = si->State.FirstSeq;
    out.last_seq = si->State.LastSeq;
    out.consumers = si->State.Consumers;
    if (const jsClusterInfo* ci = si->Cluster) {
        out.cluster_name = ci->Name ? ci->Name : "";
        out.leader = ci->Leader ? ci->Leader : "";
        for (int i = 0; i < ci->ReplicasLen; ++i)
            out.peers.push_back({ci->Replicas[i]->Name ? ci->Replicas[i]->Name : "",
                                 ci->Replicas[i]->Current, ci->Replicas[i]->Offline});
    }
    jsStreamInfo_Destroy(si);
    return out;
}

bool ensure_stream(Connection& conn, const StreamConfig& config) {
    if (stream_info(conn, config.name)) return false;
    jsStreamConfig c;
    jsStreamConfig_Init(&c);
    std::vector<const char*> subjects;
    for (auto& s : config.subjects) subjects.push_back(s.c_str());
    c.Name = config.name.c_str();
    c.Subjects = subjects.data();
    c.SubjectsLen = static_cast<int>(subjects.size());
    c.Retention = to_js(config.retention);
    c.MaxMsgs = config.max_msgs;
    c.MaxAge = config.max_age.count();
    c.Duplicates = config.duplicate_window.count();
    c.Replicas = config.replicas > 0 ? config.replicas : storage_replicas(conn);
    c.Storage = js_FileStorage;
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, conn.jetstream(), &c, nullptr, &code);
    if (si) jsStreamInfo_Destroy(si);
    if (s != NATS_OK) {
        if (stream_info(conn, config.name)) return false;  // created concurrently: use it
        check(s, "create stream '" + config.name + "'");
    }
    return true;
}

PubAck js_publish(Connection& conn, const std::string& subject, std::string_view data,
                  const std::string& msg_id, milliseconds timeout, const Headers& extra) {
    std::string inbox = conn.new_inbox();
    auto sub = conn.subscribe_sync(inbox);
    Headers h = extra;
    if (!msg_id.empty()) h.emplace_back("Nats-Msg-Id", msg_id);
    conn.publish(subject, data, h, inbox);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                             std::chrono::steady_clock::now());
        if (left.count() <= 0)
            throw TimeoutError("no PubAck for '" + subject + "'",
                               "is there a stream for it? ('aegis validate')");
        Msg m;
        try {
            m = sub.next(left);
        } catch (const NoRespondersError&) {
            throw NoRespondersError("no stream captures '" + subject + "'",
                                    "create the stream or run 'aegis validate'");
        }
        if (!m) continue;
        if (m.data().empty()) continue;  // an empty "ack" from a Python subscriber
        Json j;
        try {
            j = wire::from_json(m.data());
        } catch (const DataError&) {
            continue;
        }
        if (!j.is_object()) continue;
        if (auto e = j.find("error"); e != j.end())
            throw InternalError("publish to '" + subject + "' rejected: " +
                                e->value("description", e->dump()));
        if (!j.contains("stream") || !j.contains("seq")) continue;
        PubAck ack;
        ack.stream = j["stream"].get<std::string>();
        ack.seq = j["seq"].get<uint64_t>();
        ack.duplicate = j.value("duplicate", false);
        return ack;
    }
}

}  // namespace aegis::nats
