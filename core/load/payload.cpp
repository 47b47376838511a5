#include "core/load/payload.hpp"
#include <string>

#include <chrono>
#include <cstring>
#include <random>

#include "core/util/error.hpp"
#include "core/util/uuid.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"

namespace aegis::load {

namespace {

constexpr const char* k_placeholder_id = "00000000-0000-4000-8000-00000000a361";
constexpr const char* k_marks[] = {"{{seq}}", "{{uuid}}", "{{now}}"};

std::string random_text(size_t n) {
    static const char k_alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::mt19937_64 rng{std::random_device{}()};
    std::string s(n, 'a');
    for (auto& c : s) c = k_alphabet[rng() % (sizeof(k_alphabet) - 1)];
    return s;
}

std::string fill(std::string s, uint64_t seq) {
    for (size_t at; (at = s.find("{{seq}}")) != std::string::npos;) s.replace(at, 7, std::to_string(seq));
    for (size_t at; (at = s.find("{{uuid}}")) != std::string::npos;) s.replace(at, 8, util::uuid4());
    for (size_t at; (at = s.find("{{now}}")) != std::string::npos;)
        s.replace(at, 7, wire::rfc3339_ms(std::chrono::system_clock::now()));
    return s;
}

}  // namespace

bool has_templates(const Json& v) {
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        for (const char* m : k_marks)
            if (s.find(m) != std::string::npos) return true;
        return false;
    }
    if (v.is_structured())
        for (const auto& child : v)
            if (has_templates(child)) return true;
    return false;
}

Json render_templates(const Json& v, uint64_t seq) {
    if (v.is_string()) return fill(v.get<std::string>(), seq);
    if (v.is_object()) {
        Json out = Json::object();
        for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = render_templates(*it, seq);
        return out;
    }
    if (v.is_array()) {
        Json out = Json::array();
        for (const auto& child : v) out.push_back(render_templates(child, seq));
        return out;
    }
    return v;
}

PayloadFactory::PayloadFactory(PayloadSpec spec) : m_spec(std::move(spec)) {
    if (m_spec.params.is_null()) m_spec.params = Json::object();
    if (!m_spec.params.is_object()) throw UsageError("params must be a JSON object");
    if (m_spec.payload_bytes > 0) {
        if (m_spec.params.contains(m_spec.payload_field))
            throw UsageError("--payload-bytes adds a '" + m_spec.payload_field +
                             "' field, and the params already have one");
        m_spec.params[m_spec.payload_field] = random_text(m_spec.payload_bytes);
    }
    m_subject = wire::rpc_subject(m_spec.service, m_spec.method);
    m_templated = has_templates(m_spec.params);
    if (m_templated) return;
    CallOptions o = m_spec.call;
    o.message_id = k_placeholder_id;
    m_fixed = encode_request(m_spec.service, m_spec.method, m_spec.params, o);
    m_id_offset = m_fixed.find(k_placeholder_id);
    if (m_id_offset == std::string::npos) throw InternalError("no message_id in the encoded request");
}

std::string PayloadFactory::make(uint64_t seq) const {
    if (m_templated)
        return encode_request(m_spec.service, m_spec.method, render_templates(m_spec.params, seq),
                              m_spec.call);
    std::string out = m_fixed;
    std::string id = util::uuid4();
    std::memcpy(out.data() + m_id_offset, id.data(), 36);
    return out;
}

}  // namespace aegis::load
