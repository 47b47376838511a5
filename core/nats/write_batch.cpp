#include "core/nats/write_batch.hpp"

#include <nats/nats.h>

#include <utility>

// nats.c 3.4 exports, without declaring them in nats.h, its publish with a choice of writing at
// once (what its requests use), the function its flusher thread runs to write the buffer (with
// the connection's mutex held), and its mutex calls; the mutex is the first member of the
// connection (src/natsp.h) and recursive. Checked against 3.4 only: any other nats.c keeps a
// write per publish.
#if NATS_VERSION_MAJOR == 3 && NATS_VERSION_MINOR == 4
extern "C" {
typedef struct __natsMutex natsMutex;
natsStatus natsConn_publish(natsConnection* nc, natsMsg* msg, const char* reply, bool direct);
natsStatus natsConn_bufferFlush(natsConnection* nc);
void natsMutex_Lock(natsMutex* m);
void natsMutex_Unlock(natsMutex* m);
}
constexpr bool k_supported = true;
#else
constexpr bool k_supported = false;
#endif

namespace aegis::nats::write_batch {

namespace {

// The subscription whose callback runs on this thread, the Holds open on it, and the
// connection it left unwritten.
thread_local natsSubscription* t_delivering = nullptr;
thread_local int t_holds = 0;
thread_local natsConnection* t_unwritten = nullptr;

void write_buffer(natsConnection* nc) {
#if NATS_VERSION_MAJOR == 3 && NATS_VERSION_MINOR == 4
    natsMutex* mu = *reinterpret_cast<natsMutex**>(nc);
    natsMutex_Lock(mu);
    // Connected only: while reconnecting nats.c keeps its own pending buffer, once closed the
    // write buffer is gone. A failed write is the reader's to notice, as for the flusher.
    if (natsConnection_Status(nc) == NATS_CONN_STATUS_CONNECTED) natsConn_bufferFlush(nc);
    natsMutex_Unlock(mu);
#else
    (void)nc;
#endif
}

bool more_waiting(natsSubscription* sub) {
    int msgs = 0;
    return natsSubscription_GetPending(sub, &msgs, nullptr) == NATS_OK && msgs > 0;
}

void write_unwritten() {
    if (t_unwritten) write_buffer(std::exchange(t_unwritten, nullptr));
}

}  // namespace

bool available() { return k_supported; }

void write_pending(natsConnection* nc) {
    if (t_holds == 0) write_buffer(nc);
}

bool hold(natsConnection* nc) {
    if (t_holds == 0 && !(t_delivering && more_waiting(t_delivering))) return false;
    if (t_unwritten && t_unwritten != nc) write_buffer(t_unwritten);  // one connection at a time
    t_unwritten = nc;
    return true;
}

int publish_now(natsConnection* nc, natsMsg* m) {
#if NATS_VERSION_MAJOR == 3 && NATS_VERSION_MINOR == 4
    return natsConn_publish(nc, m, natsMsg_GetReply(m), true);
#else
    return natsConnection_PublishMsg(nc, m);
#endif
}

Delivery::Delivery(natsSubscription* sub) : m_outer(t_delivering) { t_delivering = sub; }

Delivery::~Delivery() {
    natsSubscription* sub = t_delivering;
    t_delivering = m_outer;
    if (t_holds == 0 && !(sub && more_waiting(sub))) write_unwritten();
}

Hold::Hold() { ++t_holds; }

Hold::~Hold() {
    if (--t_holds == 0 && !(t_delivering && more_waiting(t_delivering))) write_unwritten();
}

}  // namespace aegis::nats::write_batch
