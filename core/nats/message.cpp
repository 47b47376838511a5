#include "core/nats/message.hpp"
#include <optional>
#include <string>

#include <nats/nats.h>

namespace aegis::nats {

// natsMsg_Destroy in nats.c 3.4 is: return if the message is marked "no destroy" (only
// JetStream auto-ack callbacks do that), else give it to the collector thread, which calls
// natsMsg_free. natsMsg_free is exported but not declared in nats.h, so it is used only with
// the release line where that was checked; any other nats.c goes through natsMsg_Destroy.
#if NATS_VERSION_MAJOR == 3 && NATS_VERSION_MINOR == 4
extern "C" void natsMsg_free(void* object);
constexpr bool k_direct_free = true;
#else
constexpr bool k_direct_free = false;
inline void natsMsg_free(void*) {}
#endif

void Msg::release() noexcept {
    if (!m_msg) return;
    if (k_direct_free && m_release == Release::direct) natsMsg_free(m_msg);
    else natsMsg_Destroy(m_msg);
    m_msg = nullptr;
}

Msg& Msg::operator=(Msg&& o) noexcept {
    if (this != &o) {
        release();
        m_msg = std::exchange(o.m_msg, nullptr);
        m_release = o.m_release;
    }
    return *this;
}

Msg::~Msg() { release(); }

std::string_view Msg::subject() const {
    const char* s = m_msg ? natsMsg_GetSubject(m_msg) : nullptr;
    return s ? std::string_view(s) : std::string_view();
}

std::string_view Msg::reply() const {
    const char* s = m_msg ? natsMsg_GetReply(m_msg) : nullptr;
    return s ? std::string_view(s) : std::string_view();
}

std::string_view Msg::data() const {
    if (!m_msg) return {};
    const char* d = natsMsg_GetData(m_msg);
    int n = natsMsg_GetDataLength(m_msg);
    return d && n > 0 ? std::string_view(d, static_cast<size_t>(n)) : std::string_view();
}

std::optional<std::string> Msg::header(const char* key) const {
    const char* v = nullptr;
    if (!m_msg || natsMsgHeader_Get(m_msg, key, &v) != NATS_OK || !v) return std::nullopt;
    return std::string(v);
}

Headers Msg::headers() const {
    Headers out;
    const char** keys = nullptr;
    int n = 0;
    if (!m_msg || natsMsgHeader_Keys(m_msg, &keys, &n) != NATS_OK) return out;
    for (int i = 0; i < n; ++i) {
        const char** values = nullptr;
        int nv = 0;
        if (natsMsgHeader_Values(m_msg, keys[i], &values, &nv) == NATS_OK) {
            for (int j = 0; j < nv; ++j) out.emplace_back(keys[i], values[j]);
            free(values);
        }
    }
    free(keys);
    return out;
}

bool Msg::is_no_responders() const {
    return m_msg && natsMsg_IsNoResponders(m_msg);
}

}  // namespace aegis::nats
