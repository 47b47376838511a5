// A 3-node JetStream cluster in network namespaces (core/netns): a node cut at its bridge port
// drops out of its peers' routes without a FIN or RST, comes back when healed, and nothing of the
// namespaces or links is left afterwards. Needs root (CI runs as root); skipped with a warning
// otherwise.
#include <catch2/catch.hpp>

#include <string>

#include "core/scenario/ns_cluster.hpp"
#include "core/util/process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::eventually;

using namespace aegis;
using namespace std::chrono_literals;

namespace {

bool netns_here() {
    auto why = netns::unavailable_reason();
    if (!why.empty()) WARN("skipped: " << why);
    return why.empty();
}

// What of a fabric the kernel still knows: its namespaces and its host link.
std::string traces_of(const std::string& id) {
    std::string out;
    auto ns = util::run_capture({"ip", "netns", "list"}, 5s).out;
    if (ns.find("netns" + id + "-") != std::string::npos) out += "namespaces ";
    if (util::run_capture({"ip", "link", "show", "netns" + id}, 5s).exit_code == 0) out += "link";
    return out;
}

}  // namespace

TEST_CASE("a node cut from a namespaced cluster loses its routes and rejoins when healed") {
    if (!netns_here()) return;
    std::string id;
    {
        scenario::NsCluster cluster;
        id = cluster.fabric().id();
        for (int i = 0; i < 3; ++i) CHECK(cluster.routes(i) == 2);
        auto& fab = cluster.fabric();
        std::string n3 = fab.node_address(2);
        REQUIRE(fab.reaches(0, n3, scenario::k_route_port, 2s));
        cluster.cut(2);
        // Unreachable from its peers' namespaces and from the host, silently (a connect times
        // out: no RST), though it still runs.
        CHECK_FALSE(fab.reaches(0, n3, scenario::k_route_port, 1s));
        CHECK_FALSE(fab.reaches(1, n3, scenario::k_route_port, 1s));
        CHECK_FALSE(fab.reaches(2, fab.node_address(0), scenario::k_route_port, 1s));
        CHECK(fab.reaches(0, fab.node_address(1), scenario::k_route_port, 2s));
        CHECK(cluster.routes(2, 500ms) == -1);
        CHECK(util::alive(cluster.pid(2)));
        // A peer that is not sending to it drops its route after two missed pings (1 s apart);
        // one that sends (a Raft leader) keeps writing into the socket, so only some drop.
        if (!eventually([&] { return cluster.routes(0) == 1 || cluster.routes(1) == 1; }, 20s,
                        200ms))
            FAIL("routes after the cut: n1 " << cluster.routes(0) << ", n2 "
                                            << cluster.routes(1));
        cluster.heal(2);
        CHECK(fab.reaches(0, n3, scenario::k_route_port, 2s));
        bool rejoined = eventually(
            [&] {
                for (int i = 0; i < 3; ++i)
                    if (cluster.routes(i) != 2) return false;
                return true;
            },
            30s, 200ms);
        if (!rejoined)
            FAIL("routes after the heal: " << cluster.routes(0) << " " << cluster.routes(1) << " "
                                           << cluster.routes(2) << "\n" << cluster.log(2));
        CHECK(traces_of(id) == "namespaces link");
    }
    CHECK(traces_of(id).empty());
}

TEST_CASE("a fabric is removed at destruction and a dead run's leftovers are swept") {
    if (!netns_here()) return;
    std::string id;
    {
        netns::Fabric f({2});
        id = f.id();
        CHECK(f.node_address(0) != f.node_address(1));
        CHECK(traces_of(id) == "namespaces link");
    }
    CHECK(traces_of(id).empty());
    // A run that died without cleaning up: its namespace carries a pid that no longer runs.
    util::SpawnOptions so;
    so.argv = {"true"};
    pid_t gone = util::spawn(so);
    util::wait_exit(gone, 5s);
    std::string dead = "netns" + std::to_string(gone) + "x0-br";
    util::run_capture({"ip", "netns", "add", dead}, 5s);
    netns::sweep_dead_fabrics();
    CHECK(util::run_capture({"ip", "netns", "list"}, 5s).out.find(dead) == std::string::npos);
}
