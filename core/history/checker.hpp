#pragma once
// The history checker: reads the JSON lines a run recorded (core/service/history_recorder.hpp
// describes every record) and reports, as Jepsen's checkers do, what single-active promised and
// did not keep — each with a count and the first offending records:
//   overlaps         an exclusive execution of one instance started while another instance's
//                    execution on the same service and group was running (start < other's end
//                    and other's start < end; touching intervals do not overlap)
//   stale            an execution started after its instance no longer held the lease it
//                    named: after its own lost / fenced / released event for that term, after
//                    another instance acquired a higher term, or with no term at all (ties —
//                    the same microsecond — count in the instance's favour)
//   lost acks        a caller got a successful reply, yet the order (order_id) is in neither
//                    the final listing nor the order records, or the call (msg_id only) was
//                    never recorded as executed; checked only when the history has records of
//                    that kind for the service, so a service that does not record is not
//                    accused
//   duplicate orders an order id created more than once
// Everything here is a pure function of the history; reading is hostile-input safe (a line that
// is not a record of a known shape is counted as malformed and skipped).
#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/wire/json.hpp"

namespace aegis::history {

struct Exec {
    std::string service, group, method, instance, msg_id, outcome;
    uint64_t term = 0;
    int64_t start_us = 0, end_us = 0;
    Json raw;  // the record as read, for the report
};
struct LeaseEvent {
    std::string service, group, instance, event;
    uint64_t term = 0;
    int64_t t_us = 0;
    Json raw;
};
struct Order {
    std::string service, order_id, instance;
    int64_t t_us = 0;
    Json raw;
};
struct Ack {
    std::string service, msg_id, order_id;  // order_id may be empty
    int64_t t_us = 0;
    Json raw;
};
struct Final {  // the orders present at the end of a run
    std::string service;
    std::vector<std::string> order_ids;
    int64_t t_us = 0;
};

struct History {
    std::vector<Exec> execs;
    std::vector<LeaseEvent> leases;
    std::vector<Order> orders;
    std::vector<Ack> acks;
    std::vector<Final> finals;
    size_t lines = 0;      // non-empty lines read
    size_t malformed = 0;  // lines skipped: not JSON, or not a record of a known shape
};

// Parses JSON lines; never throws on content (a line longer than 1 MiB counts as malformed).
History parse_history(std::istream& in);
// Reads a file. A missing file is an empty history (no instance recorded anything); a file that
// exists but cannot be read throws IoError.
History read_history(const std::string& path);

struct Finding {
    size_t count = 0;
    Json first;  // the first offending records (an array), null when count == 0
};

struct Verdict {
    size_t executions = 0, lease_events = 0, orders = 0, acks = 0, malformed = 0;
    size_t instances = 0;  // distinct instances that executed
    Finding overlaps, stale, lost_acks, duplicate_orders;
    bool acks_checked = false;  // some ack had records to be checked against
    bool ok() const noexcept;
    // The problems, one line each (empty when ok), e.g. "history: 3 stale-lease executions
    // (first: 'svc-2' term 7 ran 'create_order' ...)".
    std::vector<std::string> problems() const;
};

Verdict check_history(const History& h);

// One line for people: "history: 412 executions by 3 instances, 0 overlaps, 0 stale-lease
// executions, 0 lost acks, 0 duplicate orders: ok".
std::string verdict_line(const Verdict& v);
// {"ok","executions","instances","lease_events","orders","acks","malformed","overlaps":{"count",
//  "first"},"stale":{...},"lost_acks":{...},"duplicate_orders":{...}}
Json to_json(const Verdict& v);

// One leadership as the history shows it, for the fault measurements: from the instance's
// `acquired` event to its own end of belief (lost / fenced / released), and when another
// instance acquired a higher term (superseded). `believed_after_us` = how long it still believed
// it led after being superseded (0 when it let go first or was never superseded; missing ends
// count until its last execution of that term). `ran_after_loss` = executions it started after
// being superseded or after its own loss.
struct LeaderSpan {
    std::string service, group, instance;
    uint64_t term = 0;
    int64_t acquired_us = 0;
    std::optional<int64_t> ended_us;       // its own lost / fenced / released event
    std::string end_event;                 // which one ("" when none was recorded)
    std::optional<int64_t> superseded_us;  // another instance acquired a higher term
    int64_t last_exec_end_us = 0;          // 0 when it executed nothing in this term
    int64_t believed_after_us = 0;
    size_t ran_after_loss = 0;
};
std::vector<LeaderSpan> leader_spans(const History& h);

}  // namespace aegis::history
