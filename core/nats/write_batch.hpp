#pragma once
// Adaptive write coalescing for a connection with ConnectOptions::adaptive_writes: a publish is
// written to the socket at once, unless it is made inside a delivery callback whose subscription
// has more messages waiting (or inside a Hold); then it stays in nats.c's write buffer and goes
// out with the answers to those messages, in one write, when the callback finds its queue empty
// (or the Hold ends). A lone call loses no latency; calls that pile up share their writes.
// Bounded: nats.c's flusher thread, woken by a buffered publish, writes whatever is left within
// about 1 ms, and a full buffer is written at once.
#include <string_view>

typedef struct __natsConnection natsConnection;
typedef struct __natsSubscription natsSubscription;
typedef struct __natsMsg natsMsg;

namespace aegis::nats::write_batch {

// Whether this nats.c is the one the write path was checked against (3.4); elsewhere
// adaptive_writes falls back to a write per publish (SendAsap).
bool available();

// Whether a publish on `nc` now should stay in the buffer (and be written when this thread's
// callback or Hold ends) rather than be written at once.
bool hold(natsConnection* nc);

// Writes what nats.c holds in the buffer now (a SUB that must reach the server before the next
// message of another connection does, as it would without coalescing).
void write_pending(natsConnection* nc);

// Publishes `m` (subject, reply, headers, data) and writes the buffer at once, one lock.
int publish_now(natsConnection* nc, natsMsg* m);

// Around one delivery callback of an adaptive connection's subscription.
class Delivery {
public:
    explicit Delivery(natsSubscription* sub);
    ~Delivery();
    Delivery(const Delivery&) = delete;
    Delivery& operator=(const Delivery&) = delete;

private:
    natsSubscription* m_outer;
};

// What this thread publishes on an adaptive connection while a Hold lives is written when it
// ends (or when the buffer fills): a batch of requests sent in one go (KV gets, a scatter).
class Hold {
public:
    Hold();
    ~Hold();
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
};

}  // namespace aegis::nats::write_batch
