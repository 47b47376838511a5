#include "core/nats/connection.hpp"
#include <algorithm>
#include <limits>
#include <functional>
#include <chrono>
#include <memory>
#include <vector>
#include <string>

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "core/nats/auth.hpp"
#include "core/nats/status.hpp"
#include "core/nats/write_batch.hpp"
#include "core/util/error.hpp"
#include "core/wire/subjects.hpp"

namespace aegis::nats {

namespace {

// nats_Open once per process; nats.c keeps its own threads and pools after that.
void open_library() {
    static std::once_flag once;
    std::call_once(once, [] { nats_Open(-1); });
}

struct OptionsGuard {
    natsOptions* o = nullptr;
    ~OptionsGuard() {
        if (o) natsOptions_Destroy(o);
    }
};

// A NUL-terminated copy of a subject, on the stack unless it is unusually long: publishing is
// on the RPC hot path and nats.c wants C strings.
class CString {
public:
    explicit CString(std::string_view s) {
        if (s.size() < sizeof m_buf) {
            s.copy(m_buf, s.size());
            m_buf[s.size()] = '\0';
            m_ptr = m_buf;
        } else {
            m_long.assign(s);
            m_ptr = m_long.c_str();
        }
    }
    CString(const CString&) = delete;
    CString& operator=(const CString&) = delete;
    const char* c_str() const { return m_ptr; }
    bool empty() const { return *m_ptr == '\0'; }

private:
    char m_buf[192];
    std::string m_long;
    const char* m_ptr;
};

struct HandlerBox {
    MessageHandler fn;
    bool adaptive = false;  // the connection coalesces writes (write_batch.hpp)
};

void run_delivery_handler(HandlerBox* box, Msg& msg) {
    try {
        box->fn(msg);
    } catch (...) {
        // A handler must never take the delivery thread down; services report their own errors.
    }
}

void on_message(natsConnection*, natsSubscription* sub, natsMsg* m, void* closure) {
    Msg msg(m, Msg::Release::direct);
    auto* box = static_cast<HandlerBox*>(closure);
    if (!box->adaptive) return run_delivery_handler(box, msg);
    write_batch::Delivery delivery(sub);  // what the handler publishes may wait for the rest
    run_delivery_handler(box, msg);
}

void on_complete(void* closure) {
    delete static_cast<HandlerBox*>(closure);
}

}  // namespace

// Outlives the Connection when needed: nats.c calls `closed` on its own thread after
// natsConnection_Close returns, so the library holds a reference until then.
struct Connection::Callbacks {
    std::function<void()> on_disconnected, on_reconnected, on_closed;
    std::mutex listeners_mutex;
    std::map<int, std::function<void()>> listeners;  // add_reconnect_listener
    int next_listener = 1;
    milliseconds reconnect_wait{250}, reconnect_wait_max{2000};
    std::atomic<bool> closing{false};  // our own close is not a disconnect worth reporting
    std::atomic<int> refs{2};          // the Connection's and the library's

    void release() {
        if (refs.fetch_sub(1) == 1) delete this;
    }
    static void disconnected(natsConnection*, void* c) {
        auto* self = static_cast<Callbacks*>(c);
        if (!self->closing && self->on_disconnected) self->on_disconnected();
    }
    static void reconnected(natsConnection*, void* c) {
        auto* self = static_cast<Callbacks*>(c);
        if (self->closing) return;
        if (self->on_reconnected) self->on_reconnected();
        std::lock_guard lk(self->listeners_mutex);
        for (auto& [id, fn] : self->listeners) {
            try {
                fn();
            } catch (...) {
                // A listener must not take the library's callback thread down.
            }
        }
    }
    static void closed(natsConnection*, void* c) {
        auto* self = static_cast<Callbacks*>(c);
        if (!self->closing && self->on_closed) self->on_closed();
        self->release();
    }
    static int64_t reconnect_delay(natsConnection*, int attempts, void* c) {
        auto* self = static_cast<Callbacks*>(c);
        int64_t d = self->reconnect_wait.count() * std::min(attempts, 16);
        return std::min<int64_t>(d, self->reconnect_wait_max.count());
    }
};

Connection::Connection(ConnectOptions options)
    : m_options(std::move(options)), m_callbacks(new Callbacks()) {
    m_callbacks->on_disconnected = m_options.on_disconnected;
    m_callbacks->on_reconnected = m_options.on_reconnected;
    m_callbacks->on_closed = m_options.on_closed;
    m_callbacks->reconnect_wait = m_options.reconnect_wait;
    m_callbacks->reconnect_wait_max = m_options.reconnect_wait_max;
}

std::shared_ptr<Connection> Connection::connect(const ConnectOptions& options) {
    open_library();
    std::shared_ptr<Connection> c(new Connection(options));
    // Until nats.c holds the callbacks, their second reference (the library's) is ours to drop:
    // a bad option or auth setting below must not leak them.
    struct LibraryRef {
        Callbacks* cb;
        bool handed = false;
        ~LibraryRef() {
            if (!handed) cb->release();
        }
    } library_ref{c->m_callbacks};
    OptionsGuard g;
    check(natsOptions_Create(&g.o), "create options");
    std::vector<const char*> urls;
    for (auto& s : c->m_options.servers) urls.push_back(s.c_str());
    check(natsOptions_SetServers(g.o, urls.data(), static_cast<int>(urls.size())),
          "set servers");
    natsOptions_SetName(g.o, c->m_options.name.c_str());
    natsOptions_SetTimeout(g.o, c->m_options.connect_timeout.count());
    natsOptions_SetMaxReconnect(g.o, c->m_options.max_reconnect);
    c->m_adaptive = c->m_options.adaptive_writes && write_batch::available();
    natsOptions_SetSendAsap(g.o, c->m_adaptive ? false : (c->m_options.send_asap ||
                                                          c->m_options.adaptive_writes));
    if (c->m_options.ping_interval.count() > 0) {
        natsOptions_SetPingInterval(g.o, c->m_options.ping_interval.count());
        natsOptions_SetMaxPingsOut(g.o, 2);
    }
    natsOptions_SetFailRequestsOnDisconnect(g.o, true);
    natsOptions_SetNoRandomize(g.o, false);
    auto* cb = c->m_callbacks;
    natsOptions_SetCustomReconnectDelay(g.o, &Callbacks::reconnect_delay, cb);
    natsOptions_SetDisconnectedCB(g.o, &Callbacks::disconnected, cb);
    natsOptions_SetReconnectedCB(g.o, &Callbacks::reconnected, cb);
    natsOptions_SetClosedCB(g.o, &Callbacks::closed, cb);
    apply_auth(g.o, c->m_options.auth, c->m_options.servers);

    std::string where;
    for (auto& u : c->m_options.servers) where += (where.empty() ? "" : ", ") + redact_url(u);
    std::string detail;
    library_ref.handed = true;
    auto s = static_cast<natsStatus>(connect_bounded(*c, std::exchange(g.o, nullptr), &detail));
    if (s == NATS_TIMEOUT && !c->m_nc)
        throw TimeoutError("NATS at " + where + " did not complete the connection in " +
                               std::to_string(c->m_options.connect_timeout.count()) + " ms",
                           "the server accepted the connection but did not answer: is it a NATS "
                           "server, and is it responsive? try 'aegis validate'");
    if (s != NATS_OK) {
        c->m_callbacks->release();  // no connection: the library will never call `closed`
        if (s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED)
            throw AuthError("authorization failed connecting to " + where,
                            "check the credentials ('aegis config show')");
        if (s == NATS_SSL_ERROR)
            throw ConfigError("TLS handshake with " + where + " failed" +
                              (detail.empty() ? "" : ": " + detail));
        throw UnavailableError("cannot connect to NATS at " + where,
                               "is nats-server running? try 'aegis up' or 'aegis validate'");
    }
    return c;
}

// natsConnection_Connect, bounded: a server that accepts the TCP connection and then stalls
// (INFO then nothing, or nothing at all) keeps nats.c 3.4 busy well past its own timeout. The
// connect runs on a thread of its own; past the deadline the caller gives up (NATS_TIMEOUT,
// m_nc stays null) and the thread, whenever nats.c returns, closes what it got.
int Connection::connect_bounded(Connection& c, void* options, std::string* detail) {
    struct Pending {
        std::mutex m;
        std::condition_variable cv;
        bool done = false, abandoned = false;
        natsStatus status = NATS_OK;
        natsConnection* nc = nullptr;
        std::string error;  // nats_GetLastError is per thread
    };
    auto pending = std::make_shared<Pending>();
    auto* cb = c.m_callbacks;
    auto* opts = static_cast<natsOptions*>(options);  // ours to destroy
    cb->refs++;  // the connecting thread's own reference
    std::thread([pending, opts, cb] {
        natsConnection* nc = nullptr;
        natsStatus s = natsConnection_Connect(&nc, opts);
        const char* text = s == NATS_OK ? nullptr : nats_GetLastError(nullptr);
        natsOptions_Destroy(opts);
        std::unique_lock lock(pending->m);
        if (pending->abandoned) {
            lock.unlock();
            if (nc) {
                natsConnection_Destroy(nc);  // closes; `closed` releases the library's reference
            } else {
                cb->release();  // the library's reference: `closed` will never come
            }
        } else {
            pending->status = s;
            pending->nc = nc;
            pending->error = text ? text : "";
            pending->done = true;
            pending->cv.notify_all();
        }
        cb->release();
    }).detach();
    // nats.c tries each server in turn, each within the connect timeout.
    auto servers = static_cast<int>(std::max<size_t>(1, c.m_options.servers.size()));
    auto limit = c.m_options.connect_timeout * servers + milliseconds(250);
    std::unique_lock lock(pending->m);
    if (!pending->cv.wait_for(lock, limit, [&] { return pending->done; })) {
        pending->abandoned = true;
        cb->closing = true;  // whatever happens later is no news for the caller
        return NATS_TIMEOUT;
    }
    c.m_nc = pending->nc;
    *detail = pending->error;
    return pending->status;
}

Connection::~Connection() {
    m_callbacks->closing = true;
    if (m_js) jsCtx_Destroy(m_js);
    if (m_nc) {
        natsConnection_Close(m_nc);
        natsConnection_Destroy(m_nc);
    }
    m_callbacks->release();
}

namespace {

// Publishes a message (nats.c needs a natsMsg for headers, and for a write at once on an
// adaptive connection); `now`: written to the socket before this returns.
void publish_msg(natsConnection* nc, const char* subject, const char* reply,
                 std::string_view data, std::span<const HeaderRef> headers, bool now) {
    natsMsg* m = nullptr;
    check(natsMsg_Create(&m, subject, reply, data.data(), static_cast<int>(data.size())),
          "create message");
    Msg owner(m, Msg::Release::direct);
    for (const auto& h : headers) natsMsgHeader_Add(m, h.key, h.value);
    natsStatus s = now ? static_cast<natsStatus>(write_batch::publish_now(nc, m))
                       : natsConnection_PublishMsg(nc, m);
    if (s != NATS_OK) throw_status(s, "publish to '" + std::string(subject) + "'");
}

}  // namespace

bool Connection::write_now() const { return m_adaptive && !write_batch::hold(m_nc); }

void Connection::publish(std::string_view subject, std::string_view data, std::string_view reply) {
    // The last guard (the builders of core/wire/subjects.hpp check names first): nats.c puts
    // the subject on the protocol line as it is, so a CR/LF would smuggle in a command.
    wire::require_sendable_subject(subject);
    if (!reply.empty()) wire::require_sendable_subject(reply);
    CString subj(subject), rep(reply);
    if (write_now())
        return publish_msg(m_nc, subj.c_str(), rep.empty() ? nullptr : rep.c_str(), data, {},
                           true);
    natsStatus s;
    if (reply.empty()) {
        s = natsConnection_Publish(m_nc, subj.c_str(), data.data(), static_cast<int>(data.size()));
    } else {
        s = natsConnection_PublishRequest(m_nc, subj.c_str(), rep.c_str(), data.data(),
                                          static_cast<int>(data.size()));
    }
    if (s != NATS_OK) throw_status(s, "publish to '" + std::string(subject) + "'");
}

void Connection::publish(std::string_view subject, std::string_view data, const Headers& headers,
                         std::string_view reply) {
    wire::require_sendable_subject(subject);
    if (!reply.empty()) wire::require_sendable_subject(reply);
    std::vector<HeaderRef> refs;
    refs.reserve(headers.size());
    for (const auto& [k, v] : headers) refs.push_back({k.c_str(), v.c_str()});
    CString subj(subject), rep(reply);
    publish_msg(m_nc, subj.c_str(), rep.empty() ? nullptr : rep.c_str(), data, refs, write_now());
}

void Connection::reply(const Msg& request, std::string_view data,
                       std::span<const HeaderRef> headers) {
    const char* to = request ? natsMsg_GetReply(request.raw()) : nullptr;
    if (to == nullptr || *to == '\0') return;
    const bool now = write_now();
    if (headers.empty() && !now) {
        if (natsStatus s = natsConnection_Publish(m_nc, to, data.data(),
                                                  static_cast<int>(data.size()));
            s != NATS_OK)
            throw_status(s, "publish to '" + std::string(to) + "'");
        return;
    }
    publish_msg(m_nc, to, nullptr, data, headers, now);
}

Msg Connection::request(std::string_view subject, std::string_view data, milliseconds timeout,
                        const Headers* headers) {
    wire::require_sendable_subject(subject);
    std::string subj(subject);
    natsMsg* reply = nullptr;
    natsStatus s;
    if (headers && !headers->empty()) {
        natsMsg* m = nullptr;
        check(natsMsg_Create(&m, subj.c_str(), nullptr, data.data(),
                             static_cast<int>(data.size())),
              "create message");
        Msg owner(m, Msg::Release::direct);
        for (auto& [k, v] : *headers) natsMsgHeader_Add(m, k.c_str(), v.c_str());
        s = natsConnection_RequestMsg(&reply, m_nc, m, timeout.count());
    } else {
        s = natsConnection_Request(&reply, m_nc, subj.c_str(), data.data(),
                                   static_cast<int>(data.size()), timeout.count());
    }
    if (s != NATS_OK) throw_status(s, "'" + subj + "'");
    Msg out(reply, Msg::Release::direct);
    if (out.is_no_responders()) throw_status(NATS_NO_RESPONDERS, "'" + subj + "'");
    return out;
}

Subscription Connection::subscribe(std::string_view subject, MessageHandler handler,
                                   std::string_view queue, PendingLimits limits) {
    wire::require_sendable_subject(subject);
    if (!queue.empty()) wire::require_sendable_subject(queue);
    std::string subj(subject), q(queue);
    auto* box = new HandlerBox{std::move(handler), m_adaptive};
    natsSubscription* sub = nullptr;
    natsStatus s = q.empty()
                       ? natsConnection_Subscribe(&sub, m_nc, subj.c_str(), on_message, box)
                       : natsConnection_QueueSubscribe(&sub, m_nc, subj.c_str(), q.c_str(),
                                                       on_message, box);
    if (s != NATS_OK) {
        delete box;
        throw_status(s, "subscribe to '" + subj + "'");
    }
    natsSubscription_SetPendingLimits(sub, limits.messages, static_cast<int>(std::min<int64_t>(
        limits.bytes, std::numeric_limits<int>::max())));
    if (m_adaptive) write_batch::write_pending(m_nc);  // the SUB goes out now, as with SendAsap
    if (natsSubscription_SetOnCompleteCB(sub, on_complete, box) != NATS_OK) {
        // Cannot happen on a fresh async subscription; keep the box alive rather than risk it.
    }
    Subscription out;
    out.m_sub = sub;
    out.m_nc = m_nc;
    return out;
}

SyncSubscription Connection::subscribe_sync(std::string_view subject) {
    wire::require_sendable_subject(subject);
    std::string subj(subject);
    natsSubscription* sub = nullptr;
    check(natsConnection_SubscribeSync(&sub, m_nc, subj.c_str()), "subscribe to '" + subj + "'");
    if (m_adaptive) write_batch::write_pending(m_nc);
    SyncSubscription out;
    out.m_sub = sub;
    return out;
}

SyncSubscription::SyncSubscription(SyncSubscription&& o) noexcept
    : m_sub(std::exchange(o.m_sub, nullptr)) {}

SyncSubscription& SyncSubscription::operator=(SyncSubscription&& o) noexcept {
    if (this != &o) {
        if (m_sub) natsSubscription_Destroy(static_cast<natsSubscription*>(m_sub));
        m_sub = std::exchange(o.m_sub, nullptr);
    }
    return *this;
}

SyncSubscription::~SyncSubscription() {
    if (m_sub) {
        natsSubscription_Unsubscribe(static_cast<natsSubscription*>(m_sub));
        natsSubscription_Destroy(static_cast<natsSubscription*>(m_sub));
    }
}

Msg SyncSubscription::next(milliseconds timeout) {
    natsMsg* m = nullptr;
    natsStatus s = natsSubscription_NextMsg(&m, static_cast<natsSubscription*>(m_sub),
                                            std::max<int64_t>(1, timeout.count()));
    if (s == NATS_TIMEOUT) return Msg();
    if (s == NATS_NO_RESPONDERS) {
        if (m) natsMsg_Destroy(m);
        throw NoRespondersError("no responders");
    }
    check(s, "receive");
    return Msg(m, Msg::Release::direct);
}

std::string Connection::new_inbox() const {
    natsInbox* inbox = nullptr;
    natsInbox_Create(&inbox);
    std::string out(inbox);
    natsInbox_Destroy(inbox);
    return out;
}

int Connection::buffered() const { return natsConnection_Buffered(m_nc); }

void Connection::flush(milliseconds timeout) {
    check(natsConnection_FlushTimeout(m_nc, timeout.count()), "flush");
}

void Connection::drain(milliseconds timeout) {
    m_callbacks->closing = true;
    if (natsConnection_DrainTimeout(m_nc, timeout.count()) != NATS_OK) return;
    // Drain closes the connection asynchronously; wait for it so handlers have finished.
    auto deadline = std::chrono::steady_clock::now() + timeout + milliseconds(500);
    while (!natsConnection_IsClosed(m_nc) && std::chrono::steady_clock::now() < deadline)
        nats_Sleep(5);
}

void Connection::keep_alive(std::shared_ptr<void> resource) {
    m_keep_alive.push_back(std::move(resource));
}

int Connection::add_reconnect_listener(std::function<void()> fn) {
    std::lock_guard lk(m_callbacks->listeners_mutex);
    int id = m_callbacks->next_listener++;
    m_callbacks->listeners.emplace(id, std::move(fn));
    return id;
}

void Connection::remove_reconnect_listener(int id) {
    std::lock_guard lk(m_callbacks->listeners_mutex);
    m_callbacks->listeners.erase(id);
}

std::vector<std::string> Connection::known_servers() const {
    char** servers = nullptr;
    int count = 0;
    std::vector<std::string> out;
    if (natsConnection_GetServers(m_nc, &servers, &count) != NATS_OK) return out;
    for (int i = 0; i < count; ++i) {
        out.emplace_back(servers[i]);
        free(servers[i]);
    }
    free(servers);
    return out;
}

int64_t Connection::max_payload() const { return natsConnection_GetMaxPayload(m_nc); }

bool Connection::is_connected() const {
    return natsConnection_Status(m_nc) == NATS_CONN_STATUS_CONNECTED;
}

uint64_t Connection::reconnects() const {
    natsStatistics* st = nullptr;
    if (natsStatistics_Create(&st) != NATS_OK) return 0;
    uint64_t n = 0;
    if (natsConnection_GetStats(m_nc, st) == NATS_OK)
        natsStatistics_GetCounts(st, nullptr, nullptr, nullptr, nullptr, &n);
    natsStatistics_Destroy(st);
    return n;
}

std::string Connection::connected_url() const {
    char buf[512] = {0};
    if (natsConnection_GetConnectedUrl(m_nc, buf, sizeof buf) != NATS_OK) return {};
    return redact_url(buf);
}

milliseconds Connection::rtt() const {
    int64_t ns = 0;
    check(natsConnection_GetRTT(m_nc, &ns), "measure RTT");
    return std::chrono::duration_cast<milliseconds>(std::chrono::nanoseconds(ns));
}

jsCtx* Connection::jetstream() {
    // Several threads of one reader may ask first at once (explore reads the registry and the
    // election buckets side by side): one context, created once. Rare: one lock for all.
    static std::mutex creating;
    std::lock_guard lock(creating);
    if (!m_js) {
        jsOptions o;
        jsOptions_Init(&o);
        o.Wait = m_options.jetstream_timeout.count();
        check(natsConnection_JetStream(&m_js, m_nc, &o), "open JetStream context");
    }
    return m_js;
}

Subscription::Subscription(Subscription&& o) noexcept
    : m_sub(std::exchange(o.m_sub, nullptr)), m_nc(std::exchange(o.m_nc, nullptr)) {}

Subscription& Subscription::operator=(Subscription&& o) noexcept {
    if (this != &o) {
        unsubscribe();
        m_sub = std::exchange(o.m_sub, nullptr);
        m_nc = std::exchange(o.m_nc, nullptr);
    }
    return *this;
}

Subscription::~Subscription() { unsubscribe(); }

void Subscription::unsubscribe() {
    if (!m_sub) return;
    auto* sub = static_cast<natsSubscription*>(m_sub);
    natsSubscription_Unsubscribe(sub);
    natsSubscription_Destroy(sub);
    m_sub = nullptr;
    m_nc = nullptr;
}

void Subscription::drain(milliseconds timeout) {
    if (!m_sub) return;
    auto* sub = static_cast<natsSubscription*>(m_sub);
    if (m_nc && natsConnection_Status(static_cast<natsConnection*>(m_nc)) != NATS_CONN_STATUS_CONNECTED) {
        unsubscribe();
        return;
    }
    if (natsSubscription_Drain(sub) == NATS_OK)
        natsSubscription_WaitForDrainCompletion(sub, timeout.count());
    natsSubscription_Destroy(sub);
    m_sub = nullptr;
    m_nc = nullptr;
}

std::string Subscription::subject() const {
    if (!m_sub) return {};
    const char* s = natsSubscription_GetSubject(static_cast<natsSubscription*>(m_sub));
    return s ? s : "";
}

uint64_t Subscription::dropped() const {
    if (!m_sub) return 0;
    int64_t n = 0;
    natsSubscription_GetDropped(static_cast<natsSubscription*>(m_sub), &n);
    return n > 0 ? static_cast<uint64_t>(n) : 0;
}

std::string redact_url(std::string_view url) {
    std::string u(url);
    auto scheme = u.find("://");
    auto start = scheme == std::string::npos ? 0 : scheme + 3;
    auto at = u.find('@', start);
    if (at == std::string::npos) return u;
    return u.substr(0, start) + "***@" + u.substr(at + 1);
}

}  // namespace aegis::nats
