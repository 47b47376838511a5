#include "core/service/lease.hpp"
#include <chrono>
#include <string>

#include "core/wire/codec.hpp"

namespace aegis::service {

std::string encode_leader_value(const LeaderValue& v) {
    Json j = Json::object();
    j["instance_id"] = v.instance_id;
    j["elected_at"] = v.elected_at;
    j["last_heartbeat"] = v.last_heartbeat;
    j["metadata"] = v.metadata.is_object() ? v.metadata : Json::object();
    return wire::to_json_ascii(j);
}

void LeaseView::seen(const std::string& holder, double last_heartbeat, uint64_t revision, Mono at,
                     bool probe) {
    if (m_known && m_held && revision == m_revision) return;
    if (m_known && revision != 0 && revision < m_revision) return;  // an older, late event
    if (!m_held || holder != m_holder) m_holder_since = at;
    m_probe = probe;
    m_known = true;
    m_held = true;
    m_revision = revision;
    m_holder = holder;
    m_last_heartbeat = last_heartbeat;
    m_changed_at = at;
}

void LeaseView::seen_absent(uint64_t revision, Mono at) {
    if (m_known && revision != 0 && revision < m_revision) return;
    m_known = true;
    m_held = false;
    m_revision = revision;
    m_holder.clear();
    m_last_heartbeat = 0;
    m_changed_at = at;
}

std::chrono::milliseconds LeaseView::quiet_for(Mono now) const {
    if (!m_known) return std::chrono::milliseconds(0);
    return std::chrono::duration_cast<std::chrono::milliseconds>(now - m_changed_at);
}

bool LeaseView::stale(Mono now, std::chrono::milliseconds lease) const {
    return m_held && quiet_for(now) > lease;
}

void LeaseHold::acquired(uint64_t revision, Mono sent_at) {
    m_holding = true;
    m_revision = revision;
    m_term = revision;
    m_sent = sent_at;
}

void LeaseHold::renewed(uint64_t revision, Mono sent_at) {
    m_revision = revision;
    m_sent = sent_at;
}

void LeaseHold::released() { m_holding = false; }

bool LeaseHold::fenced(Mono now, std::chrono::milliseconds fence_after) const {
    return !m_holding || now - m_sent >= fence_after;
}

}  // namespace aegis::service
