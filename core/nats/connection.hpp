#pragma once
// RAII over a nats.c connection. The only place (with the rest of core/nats) that knows nats.h.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/nats/message.hpp"

typedef struct __natsConnection natsConnection;
typedef struct __jsCtx jsCtx;

namespace aegis::nats {

using std::chrono::milliseconds;

struct Auth {
    std::string token;
    std::string user;
    std::string password;
    std::string creds_file;      // NATS .creds (JWT + seed)
    std::string nkey_seed_file;  // file holding an nkey seed (SU...)
    std::string tls_ca;
    std::string tls_cert;
    std::string tls_key;
};

struct ConnectOptions {
    std::vector<std::string> servers{"nats://127.0.0.1:4222"};
    std::string name = "aegis";
    Auth auth;
    milliseconds connect_timeout{2000};
    // Reconnect forever with backoff (-1 = forever).
    int max_reconnect = -1;
    milliseconds reconnect_wait{250};
    milliseconds reconnect_wait_max{2000};
    milliseconds jetstream_timeout{5000};
    // Replicas of buckets / streams created through this connection (config `kv_replicas`);
    // 0 = auto: 3 when the connection knows 3 or more servers (a cluster), else 1.
    int kv_replicas = 0;
    // Flush every publish at once: without it every hop waits for the flusher (~+1 ms).
    bool send_asap = true;
    // Adaptive write coalescing (core/nats/write_batch.hpp): a publish is written at once,
    // unless a delivery callback with more messages waiting made it; those go out together when
    // the queue is empty (nats.c's flusher bounds the wait at ~1 ms). Overrides send_asap; with
    // a nats.c other than 3.4 it is send_asap = true.
    bool adaptive_writes = false;
    // How often the client pings its server; two missed answers count as a lost connection.
    // 0: nats.c's default (2 min). A partition is silent (no FIN, no RST): only this notices it.
    milliseconds ping_interval{0};
    std::function<void()> on_disconnected;
    std::function<void()> on_reconnected;
    std::function<void()> on_closed;
};

using MessageHandler = std::function<void(Msg&)>;

// How much nats.c may buffer for one subscription before it drops messages (a slow consumer).
struct PendingLimits {
    int messages = 1 << 20;
    int64_t bytes = int64_t{256} << 20;
};

// A header as nats.c takes it: NUL-terminated key and value, nothing copied on our side.
struct HeaderRef {
    const char* key;
    const char* value;
};

// An asynchronous subscription. Destroying it unsubscribes; the handler is released only after
// its last invocation has returned (nats.c on-complete callback), so it may own state safely.
class Subscription {
public:
    Subscription() = default;
    Subscription(Subscription&&) noexcept;
    Subscription& operator=(Subscription&&) noexcept;
    ~Subscription();
    void unsubscribe();
    // Stop receiving, let queued messages finish, wait up to `timeout`. While the connection is
    // down there is nothing to drain (and the server cannot confirm it): it unsubscribes at once.
    void drain(milliseconds timeout = milliseconds(2000));
    bool active() const noexcept { return m_sub != nullptr; }
    std::string subject() const;
    // Messages nats.c dropped because the pending limits were reached (0 when inactive).
    uint64_t dropped() const;

private:
    friend class Connection;
    void* m_sub = nullptr;  // natsSubscription*
    void* m_nc = nullptr;   // its natsConnection* (the subscription holds a reference to it)
};

// A synchronous subscription: pull messages with next().
class SyncSubscription {
public:
    SyncSubscription() = default;
    SyncSubscription(SyncSubscription&&) noexcept;
    SyncSubscription& operator=(SyncSubscription&&) noexcept;
    ~SyncSubscription();
    // The next message, or an empty Msg when `timeout` passes.
    Msg next(milliseconds timeout);

private:
    friend class Connection;
    void* m_sub = nullptr;  // natsSubscription*
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    // Connects or throws (UnavailableError naming the URLs, AuthError, ConfigError for TLS).
    static std::shared_ptr<Connection> connect(const ConnectOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void publish(std::string_view subject, std::string_view data, std::string_view reply = {});
    void publish(std::string_view subject, std::string_view data, const Headers& headers,
                 std::string_view reply = {});
    // Answers `request` (publishes to its reply subject): the service reply path, no copies.
    void reply(const Msg& request, std::string_view data, std::span<const HeaderRef> headers);
    // Request/reply. Throws NoRespondersError, TimeoutError, UnavailableError.
    Msg request(std::string_view subject, std::string_view data, milliseconds timeout,
                const Headers* headers = nullptr);
    Subscription subscribe(std::string_view subject, MessageHandler handler,
                           std::string_view queue = {}, PendingLimits limits = {});
    SyncSubscription subscribe_sync(std::string_view subject);
    std::string new_inbox() const;
    // Bytes published but not yet written to the socket (nats.c's write buffer).
    int buffered() const;
    void flush(milliseconds timeout = milliseconds(2000));
    // Drain every subscription and close (clean stop).
    void drain(milliseconds timeout = milliseconds(3000));

    bool is_connected() const;
    // How many times this connection has reconnected. nats.c counts a reconnect before it
    // re-sends the subscriptions, so a message received on the new connection is always
    // handled after this number changed (the single-active fence relies on that).
    uint64_t reconnects() const;
    std::string connected_url() const;  // empty when not connected
    milliseconds rtt() const;
    // The largest message the server accepts (its max_payload; 0 when not connected).
    int64_t max_payload() const;
    const ConnectOptions& options() const noexcept { return m_options; }
    // Every server URL the connection knows: the configured ones and those the cluster
    // announced (a 3-node cluster reached through one URL still lists three).
    std::vector<std::string> known_servers() const;

    // Runs `fn` after every reconnect (on a nats.c thread: keep it short, e.g. wake a worker),
    // until remove_reconnect_listener(id). Several parts of a service each add their own.
    int add_reconnect_listener(std::function<void()> fn);
    void remove_reconnect_listener(int id);

    // Keeps `resource` (e.g. the kubectl port-forward this connection goes through) alive as long
    // as the connection; released only after the connection has closed.
    void keep_alive(std::shared_ptr<void> resource);

    natsConnection* raw() const noexcept { return m_nc; }
    jsCtx* jetstream();  // created on first use, owned by the connection

private:
    explicit Connection(ConnectOptions options);
    // natsConnection_Connect with `options` (a natsOptions*, consumed) under a hard deadline;
    // a nats.c status (NATS_TIMEOUT with m_nc null when the server stalled).
    static int connect_bounded(Connection& c, void* options, std::string* detail);
    // An adaptive connection's publish that nothing holds back: write it at once.
    bool write_now() const;
    struct Callbacks;
    ConnectOptions m_options;
    natsConnection* m_nc = nullptr;
    bool m_adaptive = false;  // adaptive_writes, and this nats.c supports it
    jsCtx* m_js = nullptr;
    Callbacks* m_callbacks;  // shared with nats.c, see connection.cpp
    // Declared last: destroyed after the destructor body has closed the connection.
    std::vector<std::shared_ptr<void>> m_keep_alive;
};

// Host:port pairs in a URL list are printed without credentials (never print secrets).
std::string redact_url(std::string_view url);

}  // namespace aegis::nats
