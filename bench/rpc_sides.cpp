#include "bench/rpc_sides.hpp"

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/client/async_caller.hpp"
#include "core/client/client.hpp"
#include "core/nats/connection.hpp"
#include "core/service/service.hpp"

// natsMsg_Destroy hands a message to nats.c's collector thread; aegis frees the plain messages
// it owns at once (core/nats/message.cpp). --raw-free gives raw the same (natsMsg_free is
// exported by nats.c 3.4 but not declared in nats.h).
extern "C" void natsMsg_free(void* object);

namespace aegis::bench {
namespace {

// Both sides pipeline the same way: `inflight` calls started at once, each reply sending the
// next until stop(), which waits (bounded) for the calls in flight.
class Pipelined : public Side {
public:
    void start(int inflight) override {
        m_done = 0;
        m_stop = false;
        for (int i = 0; i < inflight; ++i) send();
    }

    long completed() const override { return m_done.load(); }

    // Waits until nothing is in flight, at most 2 s (a lost reply must not hang the benchmark).
    void stop() override {
        m_stop = true;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        while (in_flight() > 0 && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

protected:
    virtual void send() = 0;
    virtual long in_flight() const = 0;
    std::atomic<long> m_done{0};
    std::atomic<bool> m_stop{true};
};

class RawSide final : public Pipelined {
public:
    RawSide(const SideOptions& o, const std::string& payload) : m_payload(payload) {
        s_free = o.raw_free;
        natsOptions* opts = nullptr;
        natsOptions_Create(&opts);
        natsOptions_SetURL(opts, o.url.c_str());
        natsOptions_SetSendAsap(opts, !o.buffered);
        natsConnection_Connect(&m_srv, opts);
        natsConnection_Connect(&m_cli, opts);
        natsOptions_Destroy(opts);
        natsConnection_Subscribe(&m_replier, m_srv, "bench.raw", on_request, nullptr);
        natsInbox* inbox = nullptr;
        natsInbox_Create(&inbox);
        m_inbox = inbox;
        natsInbox_Destroy(inbox);
        natsConnection_Subscribe(&m_replies, m_cli, (m_inbox + ".*").c_str(), on_reply, this);
        natsConnection_Flush(m_srv);
        natsConnection_Flush(m_cli);
    }

    ~RawSide() override {
        natsSubscription_Destroy(m_replies);
        natsSubscription_Destroy(m_replier);
        natsConnection_Destroy(m_cli);
        natsConnection_Destroy(m_srv);
    }

    void call_once() override {
        natsMsg* reply = nullptr;
        natsConnection_Request(&reply, m_cli, "bench.raw", m_payload.data(),
                               static_cast<int>(m_payload.size()), 5000);
        destroy(reply);
    }

private:
    static void destroy(natsMsg* m) {
        if (s_free) natsMsg_free(m);
        else natsMsg_Destroy(m);
    }

    static void on_request(natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
        if (natsMsg_GetReply(m))
            natsConnection_Publish(nc, natsMsg_GetReply(m), natsMsg_GetData(m),
                                   natsMsg_GetDataLength(m));
        destroy(m);
    }

    // Like any client that must tell its replies apart (nats.c's own request mux does the
    // same), each request has its own reply subject <inbox>.<n>.
    void send() override {
        ++m_sent;
        const std::string reply = m_inbox + "." + std::to_string(++m_next);
        natsConnection_PublishRequest(m_cli, "bench.raw", reply.c_str(), m_payload.data(),
                                      static_cast<int>(m_payload.size()));
    }

    static void on_reply(natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
        auto* self = static_cast<RawSide*>(closure);
        destroy(m);
        ++self->m_received;
        ++self->m_done;
        if (!self->m_stop) self->send();
    }

    long in_flight() const override { return m_sent.load() - m_received.load(); }

    static inline bool s_free = false;
    std::string m_payload;
    natsConnection* m_srv = nullptr;
    natsConnection* m_cli = nullptr;
    natsSubscription* m_replier = nullptr;
    natsSubscription* m_replies = nullptr;
    std::string m_inbox;
    std::atomic<uint64_t> m_next{0};
    std::atomic<long> m_sent{0}, m_received{0};
};

class AegisSide final : public Pipelined {
public:
    explicit AegisSide(const SideOptions& o) {
        nats::ConnectOptions co;
        co.servers = {o.url};
        co.send_asap = !o.buffered;
        co.adaptive_writes = !o.buffered && !o.asap;
        ServiceOptions so;
        so.name = "bench-echo";
        so.instance_id = "bench-echo-1";
        m_service = std::make_unique<Service>(nats::Connection::connect(co), so);
        m_service->rpc("echo", [](const Json& p) { return p; });
        m_service->start();
        auto conn = nats::Connection::connect(co);
        m_client = std::make_unique<Client>(conn);
        m_caller = std::make_unique<client::AsyncCaller>(conn);
        // One pointer captured: copying the callback for every call allocates nothing.
        m_next = [self = this](client::AsyncReply&& r) {
            if (r.ok && r.response.success) ++self->m_done;
            if (!self->m_stop) self->send();
        };
    }

    ~AegisSide() override {
        stop();
        m_caller.reset();
        m_service->stop();
    }

    void call_once() override { m_client->call_raw("bench-echo", "echo", m_params); }

private:
    void send() override { m_caller->call("bench-echo", "echo", m_params, m_options, m_next); }
    long in_flight() const override { return static_cast<long>(m_caller->in_flight()); }

    std::unique_ptr<Service> m_service;
    std::unique_ptr<Client> m_client;
    std::unique_ptr<client::AsyncCaller> m_caller;
    Json m_params = {{"message", "Hello, World!"}};
    CallOptions m_options;
    std::function<void(client::AsyncReply&&)> m_next;
};

}  // namespace

std::unique_ptr<Side> raw_side(const SideOptions& o, const std::string& payload) {
    return std::make_unique<RawSide>(o, payload);
}

std::unique_ptr<Side> aegis_side(const SideOptions& o) { return std::make_unique<AegisSide>(o); }

}  // namespace aegis::bench
