#include "core/nats/kv.hpp"
#include <algorithm>
#include <optional>
#include <functional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>
#include <string_view>

#include <nats/nats.h>

#include "core/nats/kv_batch.hpp"
#include "core/nats/status.hpp"
#include "core/util/error.hpp"
#include "core/wire/subjects.hpp"

namespace aegis::nats {

namespace {

KvOp to_op(kvOperation op) {
    switch (op) {
    case kvOp_Delete: return KvOp::del;
    case kvOp_Purge: return KvOp::purge;
    default: return KvOp::put;
    }
}

KvEntry to_entry(kvEntry* e) {
    KvEntry out;
    out.key = kvEntry_Key(e);
    const char* v = static_cast<const char*>(kvEntry_Value(e));
    int n = kvEntry_ValueLen(e);
    if (v && n > 0) out.value.assign(v, static_cast<size_t>(n));
    out.revision = kvEntry_Revision(e);
    out.op = to_op(kvEntry_Operation(e));
    out.created = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(kvEntry_Created(e))));
    return out;
}

struct EntryGuard {
    kvEntry* e = nullptr;
    ~EntryGuard() {
        if (e) kvEntry_Destroy(e);
    }
};

std::string where(const std::string& bucket, const std::string& key) {
    return "KV '" + bucket + "' key '" + key + "'";
}

}  // namespace

int storage_replicas(const Connection& conn) {
    if (conn.options().kv_replicas > 0) return conn.options().kv_replicas;
    return conn.known_servers().size() >= 3 ? 3 : 1;
}

KeyValue::KeyValue(std::shared_ptr<Connection> conn, kvStore* kv, std::string bucket)
    : m_conn(std::move(conn)), m_kv(kv), m_bucket(std::move(bucket)) {}

KeyValue::KeyValue(KeyValue&& o) noexcept
    : m_conn(std::move(o.m_conn)), m_kv(std::exchange(o.m_kv, nullptr)),
      m_own_js(std::exchange(o.m_own_js, nullptr)), m_timeout(o.m_timeout),
      m_bucket(std::move(o.m_bucket)) {}

KeyValue& KeyValue::operator=(KeyValue&& o) noexcept {
    if (this != &o) {
        if (m_kv) kvStore_Destroy(m_kv);
        if (m_own_js) jsCtx_Destroy(m_own_js);
        m_conn = std::move(o.m_conn);
        m_kv = std::exchange(o.m_kv, nullptr);
        m_own_js = std::exchange(o.m_own_js, nullptr);
        m_timeout = o.m_timeout;
        m_bucket = std::move(o.m_bucket);
    }
    return *this;
}

KeyValue::~KeyValue() {
    if (m_kv) kvStore_Destroy(m_kv);
    if (m_own_js) jsCtx_Destroy(m_own_js);
}

jsCtx* KeyValue::js() const { return m_own_js ? m_own_js : m_conn->jetstream(); }

KeyValue KeyValue::open(const std::shared_ptr<Connection>& conn, const std::string& bucket,
                        std::optional<milliseconds> timeout) {
    wire::require_bucket_name(bucket);  // it names the stream and every subject of the bucket
    jsCtx* own = nullptr;
    if (timeout) {
        jsOptions o;
        jsOptions_Init(&o);
        o.Wait = timeout->count();
        check(natsConnection_JetStream(&own, conn->raw(), &o), "open JetStream context");
    }
    kvStore* kv = nullptr;
    natsStatus s = js_KeyValue(&kv, own ? own : conn->jetstream(), bucket.c_str());
    // A look-up that races the bucket's creation by another process can go unanswered
    // (nats-io/nats-server#6421): two services starting together on a fresh server. Asked
    // again it is answered. Once only, and only when the caller set no bound of its own.
    if (s == NATS_TIMEOUT && !timeout)
        s = js_KeyValue(&kv, conn->jetstream(), bucket.c_str());
    if (s != NATS_OK && own) jsCtx_Destroy(own);
    if (s == NATS_NOT_FOUND) throw NotFoundError("KV bucket '" + bucket + "' does not exist");
    check_jetstream_reached(s, 0, "KV bucket '" + bucket + "'");
    if (s == NATS_ERR)  // the API answered with an error nats.c does not pass on by code
        throw UnavailableError("JetStream refused to open KV bucket '" + bucket + "'",
                               "is JetStream enabled for this account? try 'aegis validate'");
    check(s, "open KV bucket '" + bucket + "'");
    KeyValue out(conn, kv, bucket);
    out.m_own_js = own;
    if (own) out.m_timeout = timeout;
    return out;
}

KeyValue KeyValue::open_or_create(const std::shared_ptr<Connection>& conn,
                                  const BucketConfig& config,
                                  std::optional<milliseconds> timeout) {
    try {
        return open(conn, config.name, timeout);
    } catch (const NotFoundError&) {
    }
    kvConfig c;
    kvConfig_Init(&c);
    c.Bucket = config.name.c_str();
    c.Description = config.description.empty() ? nullptr : config.description.c_str();
    c.History = static_cast<uint8_t>(config.history);
    c.TTL = config.max_age.count();  // nanoseconds
    c.MaxValueSize = config.max_value_size;
    c.Replicas = config.replicas > 0 ? config.replicas : storage_replicas(*conn);
    c.StorageType = js_FileStorage;
    kvStore* kv = nullptr;
    natsStatus s = js_CreateKeyValue(&kv, conn->jetstream(), &c);
    if (s != NATS_OK) {
        // Someone else may have created it between our look-up and our create: use theirs.
        try {
            return open(conn, config.name, timeout);
        } catch (const NotFoundError&) {
        }
        check(s, "create KV bucket '" + config.name + "'");
    }
    if (timeout) {
        kvStore_Destroy(kv);  // bound to the connection's context: reopen with our own
        return open(conn, config.name, timeout);
    }
    return KeyValue(conn, kv, config.name);
}

std::optional<KvEntry> KeyValue::get(const std::string& key) const {
    wire::require_kv_key(key);
    EntryGuard g;
    natsStatus s = kvStore_Get(&g.e, m_kv, key.c_str());
    if (s == NATS_NOT_FOUND) return std::nullopt;
    check(s, "get " + where(m_bucket, key));
    auto e = to_entry(g.e);
    if (e.op != KvOp::put) return std::nullopt;
    return e;
}

uint64_t KeyValue::put(const std::string& key, std::string_view value) {
    wire::require_kv_key(key);
    uint64_t rev = 0;
    check(kvStore_Put(&rev, m_kv, key.c_str(), value.data(), static_cast<int>(value.size())),
          "put " + where(m_bucket, key));
    return rev;
}

uint64_t KeyValue::create(const std::string& key, std::string_view value) {
    wire::require_kv_key(key);
    uint64_t rev = 0;
    natsStatus s =
        kvStore_Create(&rev, m_kv, key.c_str(), value.data(), static_cast<int>(value.size()));
    if (s == NATS_OK) return rev;
    // A key whose last entry is a delete marker counts as absent: create over the marker.
    EntryGuard g;
    if (kvStore_Get(&g.e, m_kv, key.c_str()) == NATS_NOT_FOUND) {
        auto last = uint64_t{0};
        // kvStore_Get reports deleted keys as not found; find the marker's revision.
        kvEntryList list{};
        if (kvStore_History(&list, m_kv, key.c_str(), nullptr) == NATS_OK && list.Count > 0) {
            last = kvEntry_Revision(list.Entries[list.Count - 1]);
            bool deleted = kvEntry_Operation(list.Entries[list.Count - 1]) != kvOp_Put;
            kvEntryList_Destroy(&list);
            if (deleted) return update(key, value, last);
        }
    }
    check(s, "create " + where(m_bucket, key));
    return rev;
}

uint64_t KeyValue::create_within(const std::string& key, std::string_view value,
                                 milliseconds wait) {
    wire::require_kv_key(key);
    if (wait.count() <= 0) throw TimeoutError("no time left to create " + where(m_bucket, key));
    // kvStore_Create waits the context's JetStream timeout: a publish to the key's subject
    // with "no message yet" expected is the same create with a wait of its own.
    jsPubOptions o;
    jsPubOptions_Init(&o);
    o.MaxWait = wait.count();
    o.ExpectNoMessage = true;
    const std::string subject = "$KV." + m_bucket + "." + key;
    jsPubAck* ack = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = js_Publish(&ack, js(), subject.c_str(), value.data(),
                              static_cast<int>(value.size()), &o, &err);
    uint64_t rev = ack ? ack->Sequence : 0;
    jsPubAck_Destroy(ack);
    check(s, "create " + where(m_bucket, key));
    return rev;
}

uint64_t KeyValue::update(const std::string& key, std::string_view value, uint64_t last_revision) {
    wire::require_kv_key(key);
    uint64_t rev = 0;
    check(kvStore_Update(&rev, m_kv, key.c_str(), value.data(), static_cast<int>(value.size()),
                         last_revision),
          "update " + where(m_bucket, key));
    return rev;
}

uint64_t KeyValue::update_with(const std::string& key, const Change& change, int tries) {
    for (int i = 0; i < tries; ++i) {
        auto e = get(key);
        if (!e) throw NotFoundError("no key " + where(m_bucket, key));
        auto next = change(e->value);
        if (!next) return 0;
        try {
            return update(key, *next, e->revision);
        } catch (const ConflictError&) {
            // Written since we read it: read again.
        }
    }
    throw ConflictError(where(m_bucket, key) + " kept changing (" + std::to_string(tries) +
                        " tries)");
}

void KeyValue::erase(const std::string& key) {
    wire::require_kv_key(key);
    check(kvStore_Delete(m_kv, key.c_str()), "delete " + where(m_bucket, key));
}

void KeyValue::erase(const std::string& key, uint64_t last_revision) {
    // nats.c has no revision-checked delete: publish the delete marker ourselves.
    const std::string subject = wire::kv_subject(m_bucket, key);
    natsMsg* m = nullptr;
    check(natsMsg_Create(&m, subject.c_str(), nullptr, nullptr, 0), "create message");
    Msg owner(m);
    natsMsgHeader_Set(m, "KV-Operation", "DEL");
    jsPubOptions o;
    jsPubOptions_Init(&o);
    o.ExpectLastSubjectSeq = last_revision;
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_PublishMsg(&ack, js(), m, &o, &code);
    if (ack) jsPubAck_Destroy(ack);
    check(s, "delete " + where(m_bucket, key));
}

void KeyValue::purge(const std::string& key) {
    wire::require_kv_key(key);
    check(kvStore_Purge(m_kv, key.c_str(), nullptr), "purge " + where(m_bucket, key));
}

std::vector<std::string> KeyValue::keys() const {
    std::vector<std::string> out;
    for (auto& e : entries()) out.push_back(std::move(e.key));
    return out;
}

std::vector<KvEntry> KeyValue::entries(const std::string& prefix) const {
    // Not through a watch: its ephemeral consumer is placed by the meta leader on one of the
    // stream's peers, and a peer that was SIGKILLed stays one until the cluster declares it gone
    // (many seconds). A consumer placed there is never created, and the list waited out the
    // whole JetStream timeout, again and again. The stream's subject index (answered by the
    // stream leader) and one get per key involve no consumer, so only live servers answer.
    const std::string subjects = "$KV." + m_bucket + ".";
    jsOptions o;
    jsOptions_Init(&o);
    const std::string filter = subjects + ">";
    o.Stream.Info.SubjectsFilter = filter.c_str();
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    check(js_GetStreamInfo(&si, js(), ("KV_" + m_bucket).c_str(), &o, &code),
          "list KV '" + m_bucket + "'");
    std::vector<std::string> keys;
    if (const jsStreamStateSubjects* list = si->State.Subjects) {
        for (int i = 0; i < list->Count; ++i) {
            std::string_view subject = list->List[i].Subject;
            if (!subject.starts_with(subjects)) continue;
            std::string_view key = subject.substr(subjects.size());
            if (key.starts_with(prefix)) keys.emplace_back(key);
        }
    }
    const bool direct = si->Config && si->Config->AllowDirect;
    jsStreamInfo_Destroy(si);
    std::sort(keys.begin(), keys.end());
    std::vector<KvEntry> out;
    out.reserve(keys.size());
    if (direct) {  // one round trip per k_kv_batch_window keys instead of one per key
        auto got = kv_direct_get_last(*m_conn, m_bucket, keys,
                                      m_timeout.value_or(m_conn->options().jetstream_timeout));
        for (auto& e : got)
            if (e && e->op == KvOp::put) out.push_back(std::move(*e));  // deleted since: skipped
        return out;
    }
    for (const auto& key : keys)
        if (auto e = get(key)) out.push_back(std::move(*e));  // deleted since: skipped
    return out;
}

BucketStatus KeyValue::status() const {
    kvStatus* st = nullptr;
    check(kvStore_Status(&st, m_kv), "status of KV '" + m_bucket + "'");
    BucketStatus out;
    out.name = kvStatus_Bucket(st);
    out.values = kvStatus_Values(st);
    out.history = kvStatus_History(st);
    out.ttl = std::chrono::nanoseconds(kvStatus_TTL(st));
    out.replicas = kvStatus_Replicas(st);
    kvStatus_Destroy(st);
    return out;
}

std::unique_ptr<KvWatch> KeyValue::watch(const std::string& pattern,
                                         std::function<void(const WatchEvent&)> handler) const {
    std::unique_ptr<KvWatch> w(new KvWatch());
    kvWatcher* raw = nullptr;
    check(kvStore_Watch(&raw, m_kv, pattern.c_str(), nullptr),
          "watch KV '" + m_bucket + "' keys '" + pattern + "'");
    w->m_watcher = raw;
    w->m_conn = m_conn;
    w->m_thread = std::thread([stop = w->m_stop, raw, handler = std::move(handler)] {
        while (!stop->load()) {
            kvEntry* e = nullptr;
            natsStatus s = kvWatcher_Next(&e, raw, 250);
            if (s == NATS_TIMEOUT) continue;
            if (s != NATS_OK || stop->load()) {  // stopped or connection closed
                if (e) kvEntry_Destroy(e);
                break;
            }
            WatchEvent ev;
            if (e) {
                ev.entry = to_entry(e);
                kvEntry_Destroy(e);
            }
            try {
                handler(ev);
            } catch (...) {
                // A watch consumer's error must not end the watch.
            }
        }
    });
    return w;
}

KvWatch::~KvWatch() { stop(); }

void KvWatch::stop() {
    if (m_stop->exchange(true)) return;
    auto* w = static_cast<kvWatcher*>(m_watcher);
    // Stopping a watcher deletes its consumer through a JetStream request, which cannot succeed
    // while NATS is unreachable and would hold the caller for the whole timeout. Then the thread
    // is let go (it sees the flag within 250 ms) and the watcher is left to the connection's close.
    auto conn = m_conn.lock();
    const bool connected = !conn || conn->is_connected();
    if (w && !connected) {
        if (m_thread.joinable()) m_thread.join();
        m_watcher = nullptr;
        return;
    }
    if (w) kvWatcher_Stop(w);
    if (m_thread.joinable()) {
        if (m_thread.get_id() == std::this_thread::get_id()) {
            // Stopped from its own handler: the thread exits on its next check; the watcher
            // object is left to it rather than freed under its feet.
            m_thread.detach();
            return;
        }
        m_thread.join();
    }
    if (w) kvWatcher_Destroy(w);
    m_watcher = nullptr;
}

}  // namespace aegis::nats
