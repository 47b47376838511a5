#pragma once
// aegis::SingleActiveService: a Service of which exactly one instance per group is active.
// The election (election.hpp) picks the leader; exclusive methods run only there. By default
// only the leader subscribes them — without a queue group, so that a frozen old leader whose
// subscription outlives its lease cannot keep a share of the calls (it drops the copies it gets,
// fenced) — clients reach it on the first try and a failover shows up as "no responders" for a
// moment (which the sticky client retries). With python_parity every
// instance subscribes and standbys answer the Python NOT_ACTIVE shape (docs/protocol.md §3.6, G6).
#include <functional>
#include <map>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include "core/service/failover_policy.hpp"
#include "core/service/service.hpp"

namespace aegis {

namespace service {
struct LeadershipChange;
struct StickyIds;
class HistoryRecorder;
}  // namespace service

struct SingleActiveOptions {
    std::string group = "default";
    FailoverPolicy policy = FailoverPolicy::balanced();
    // Standbys subscribe exclusive methods and answer NOT_ACTIVE; results are wrapped as the
    // Python SingleActiveService wraps them ({"success","error","message","result"}, G7).
    bool python_parity = false;
    // With python_parity: answer NOT_ACTIVE as an envelope error ("NOT_ACTIVE: <message>") for
    // clients that look at the envelope (Python RPCCallUseCase) instead of the G6 result.
    bool not_active_as_error = false;
    // events.sticky_active.LeaderElected / LeaderLost / ElectionFailed with the Python payloads.
    bool publish_events = true;
    // When set, every exclusive call this instance starts (after the leadership check) and
    // finishes is announced on this core NATS subject as
    // {"message_id","instance_id","method","term","phase":"start"|"done"}, so a tool can count
    // executions on the service side (`aegis failover` does). Empty: the
    // environment variable AEGIS_AUDIT_SUBJECT, if set; otherwise off.
    std::string audit_subject;
    // When set, every exclusive execution and every lease event of this instance is appended to
    // this file as one JSON line, for the history checker (core/service/history_recorder.hpp).
    // Empty: the environment variable AEGIS_HISTORY_FILE, if set; otherwise off.
    std::string history_file;
};


class SingleActiveService : public Service {
public:
    SingleActiveService(std::shared_ptr<nats::Connection> conn, ServiceOptions options,
                        SingleActiveOptions single = {});
    ~SingleActiveService() override;

    // Runs only on the leader (checked when the call starts; a fenced leader refuses).
    SingleActiveService& exclusive_rpc(const std::string& method, RpcHandler handler,
                                       EndpointOptions opts = {});
    SingleActiveService& exclusive_rpc(const std::string& method, RpcHandlerEx handler,
                                       EndpointOptions opts = {});
    // Called with true when this instance becomes leader, false when it stops being leader.
    // Callbacks run in order on the service's notification thread, after exclusive methods were
    // (un)subscribed.
    SingleActiveService& on_leadership(std::function<void(bool is_leader)> callback);

    bool is_leader() const;
    std::optional<std::string> leader_id() const;  // as last seen in the election bucket
    uint64_t term() const;  // the lease revision of the current leadership, 0 when standby
    // How long the lease is sure to stay this leader's (0 when standby): the time an exclusive
    // call may still take without overlapping a successor's — bound its waits by it (a leader
    // cut off from NATS otherwise blocks in a write until the link heals, long after a standby
    // took over). See docs/single-active.md.
    std::chrono::milliseconds lease_left() const;
    const std::string& group() const;
    const FailoverPolicy& policy() const;
    // The history this instance records to (null when not recording): the order demo adds its
    // order records to it.
    service::HistoryRecorder* history() const;
    // Local status in the shape of Python's SingleActiveService.get_status().
    Json single_active_status() const;

protected:
    void after_start() override;
    void before_stop() override;
    void decorate(registry::ServiceInstance& inst) const override;
    std::map<std::string, std::string> srv_metadata() const override;

private:
    struct State;
    void on_change(const service::LeadershipChange& c);
    service::StickyIds ids() const;
    std::vector<std::function<void(bool)>> callbacks() const;
    void notify_event(const char* type, const Json& payload);
    // Static, on the state alone: an exclusive handler that outlives the grace period returns
    // after this object is gone and must not touch it.
    [[noreturn]] static void drop_fenced(State& st, const std::string& method);
    static void audit(State& st, const std::string& method, const RpcContext& ctx, uint64_t term,
                      const char* phase) noexcept;
    static void record_exec(State& st, const std::string& method, const RpcContext& ctx,
                            uint64_t term, int64_t start_us, bool ok) noexcept;
    void record_lease(const char* event, uint64_t term, int64_t t_us) noexcept;
    std::unique_ptr<State> m_sa;
};

}  // namespace aegis
