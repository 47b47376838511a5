#include "core/nats/message.hpp"

#include <nats/nats.h>

namespace aegis::nats {

Msg& Msg::operator=(Msg&& o) noexcept {
    if (this != &o) {
        if (m_msg) natsMsg_Destroy(m_msg);
        m_msg = std::exchange(o.m_msg, nullptr);
    }
    return *this;
}

Msg::~Msg() {
    if (m_msg) natsMsg_Destroy(m_msg);
}

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
