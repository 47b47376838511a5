// Pruning dead registry entries: only stale ones, each deleted at the revision it was judged on
// (an entry rewritten since is kept), and a starting service removing its own service's dead.
#include <catch2/catch.hpp>

#include "core/nats/kv.hpp"
#include "core/registry/prune.hpp"
#include "core/registry/registry.hpp"
#include "core/service/service.hpp"
#include "core/wire/names.hpp"
#include "core/wire/timefmt.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"

using aegis::test::eventually;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

// An entry as a killed instance leaves it: last heartbeat `age` ago, never deleted.
uint64_t write_dead(registry::Registry& reg, const std::string& service, const std::string& id,
                    std::chrono::seconds age) {
    registry::ServiceInstance inst;
    inst.service_name = service;
    inst.instance_id = id;
    inst.last_heartbeat = wire::iso_timestamp(std::chrono::system_clock::now() - age);
    return reg.bucket().put(wire::registry_key(service, id), registry::to_registry_json(inst));
}

bool present(registry::Registry& reg, const std::string& service, const std::string& id) {
    return reg.get(service, id, std::chrono::seconds(100000)).has_value();
}

}  // namespace

TEST_CASE("prune deletes stale entries at the revision it judged them on") {
    test::NatsServer server;
    registry::Registry reg(server.connect("pruner"));
    write_dead(reg, "pr-svc", "pr-svc-dead1", 200s);
    write_dead(reg, "pr-svc", "pr-svc-back", 200s);
    write_dead(reg, "pr-svc", "pr-svc-fresh", 1s);

    registry::PruneOptions po;
    po.stale_after = 35s;
    auto found = registry::find_stale(reg, po);
    REQUIRE(found.size() == 2);
    // Between the look and the delete, one of them writes again (a live instance whose clock
    // is behind, or one that came back): the revision no longer matches, so it stays.
    write_dead(reg, "pr-svc", "pr-svc-back", 200s);
    registry::delete_stale(reg, found);

    using Outcome = registry::PruneResult::Outcome;
    for (auto& r : found)
        CHECK(r.outcome == (r.instance_id == "pr-svc-back" ? Outcome::kept : Outcome::deleted));
    CHECK_FALSE(present(reg, "pr-svc", "pr-svc-dead1"));
    CHECK(present(reg, "pr-svc", "pr-svc-back"));
    CHECK(present(reg, "pr-svc", "pr-svc-fresh"));

    po.dry_run = true;
    auto dry = registry::prune_stale(reg, po);
    REQUIRE(dry.size() == 1);
    CHECK(dry[0].outcome == Outcome::would_delete);
    CHECK(present(reg, "pr-svc", "pr-svc-back"));  // a dry run deletes nothing
}

TEST_CASE("a starting service removes its own service's clearly dead entries only") {
    test::NatsServer server;
    registry::Registry reg(server.connect("setup"));
    write_dead(reg, "sp-svc", "sp-svc-old", 120s);     // > max(3 × 10 s, 35 s): dead
    write_dead(reg, "sp-svc", "sp-svc-recent", 20s);   // may still be alive: kept
    write_dead(reg, "sp-other", "sp-other-old", 120s);  // another service's: not ours to judge

    ServiceOptions o;
    o.name = "sp-svc";
    o.instance_id = "sp-svc-new";
    o.heartbeat_interval = 10s;
    Service svc(server.connect("sp-svc-new"), o);
    svc.rpc("ping", [](const Json&) { return Json("pong"); });
    svc.start();
    CHECK(eventually([&] { return !present(reg, "sp-svc", "sp-svc-old"); }, 5s));
    CHECK(present(reg, "sp-svc", "sp-svc-recent"));
    CHECK(present(reg, "sp-other", "sp-other-old"));
    CHECK(present(reg, "sp-svc", "sp-svc-new"));
    CHECK(registry::self_prune_threshold(10s) == 35s);
    CHECK(registry::self_prune_threshold(30s) == 90s);
}
