#pragma once
// The request bytes of every call of a load run. Params may hold templates in string values —
// {{seq}} (the call's number, from 1), {{uuid}} (a fresh UUID4), {{now}} (RFC 3339 UTC) — that
// are filled per call; --payload-bytes adds a random string field of that size. Without
// templates the envelope is encoded once and only its message_id is replaced per call, so the
// generator spends its time on the wire, not on encoding.
#include <cstdint>
#include <string>

#include "core/client/client.hpp"

namespace aegis::load {

struct PayloadSpec {
    std::string service, method;
    Json params = Json::object();
    size_t payload_bytes = 0;         // adds "payload": "<random text of this size>"
    std::string payload_field = "payload";
    CallOptions call;                 // format and timeout of the envelope
};

class PayloadFactory {
public:
    explicit PayloadFactory(PayloadSpec spec);  // UsageError: params not an object, field clash
    // The envelope for call `seq` (1-based). Thread-safe.
    std::string make(uint64_t seq) const;
    bool templated() const noexcept { return m_templated; }
    const std::string& subject() const noexcept { return m_subject; }

private:
    PayloadSpec m_spec;
    std::string m_subject;
    bool m_templated = false;
    std::string m_fixed;          // the pre-encoded envelope (no templates)
    size_t m_id_offset = 0;       // where its message_id's 36 characters are
};

// Replaces {{seq}}, {{uuid}} and {{now}} in every string value (keys are left alone).
Json render_templates(const Json& params, uint64_t seq);
bool has_templates(const Json& params);

}  // namespace aegis::load
