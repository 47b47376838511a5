// `aegis failover --k8s` and the `kill_pod` scenario step against the fake kubectl
// (tests/support/fake_kubectl.cpp): echo-single instances run here as "pods" (POD_NAME /
// POD_NAMESPACE in their environment put the names into their registry metadata), the fake's
// `delete pod` kills the pod's process, and the failover that follows is real.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>

#include "core/registry/registry.hpp"
#include "tests/support/fake_k8s.hpp"
#include "tests/support/helpers.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"

using namespace aegis::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string k_ctx = "kind-aegis";

// N echo-single instances named SERVICE-1..N, each the process of a pod of the same name.
struct PodFleet {
    std::vector<std::unique_ptr<Background>> pods;

    PodFleet(NatsServer& nats, FakeK8s& k8s, const std::string& service, int n,
             const std::string& pod_prefix = "") {
        for (int i = 1; i <= n; ++i) {
            std::string id = service + "-" + std::to_string(i);
            std::string pod = pod_prefix.empty() ? id : pod_prefix + std::to_string(i);
            pods.push_back(std::make_unique<Background>(
                std::vector<std::string>{"demo", "echo-single", "--service", service,
                                         "--instance-id", id, "--policy", "aggressive",
                                         "--server", nats.url()},
                Env{{"POD_NAME", pod}, {"POD_NAMESPACE", "aegis-trader"},
                    {"KUBERNETES_SERVICE_HOST", ""}, {"NO_COLOR", "1"}}));
            k8s.add_pod(k_ctx, pod, pods.back()->pid(), "aegis-trader", {{"app", service}});
        }
        k8s.write();
        aegis::registry::Registry reg(nats.connect("pods"));
        aegis::registry::ListOptions lo;
        lo.service = service;
        REQUIRE(eventually([&] { return reg.list(lo).size() == static_cast<size_t>(n); }, 20s));
    }
    Background& by_id(const std::string& id) {
        return *pods.at(std::stoi(id.substr(id.rfind('-') + 1)) - 1);
    }
};

FakeK8s cluster() {
    FakeK8s k8s;
    k8s.add_context(k_ctx);
    k8s.set_current(k_ctx);
    k8s.write();
    return k8s;
}

std::string delete_call(const FakeK8s& k8s) {
    for (const auto& c : k8s.calls())
        if (contains(c, "delete pod")) return c;
    return "";
}

}  // namespace

TEST_CASE("failover --k8s: deletes the leader's pod with kubectl and measures the failover") {
    NatsServer nats;
    FakeK8s k8s = cluster();
    PodFleet fleet(nats, k8s, "fo-k8s", 3);
    auto r = run_aegis({"failover", "fo-k8s", "--k8s", "--trials", "1", "--duration", "3",
                        "--kill-after", "0.5", "--json", "--server", nats.url()},
                       k8s.env(), {}, 90s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j["mode"] == "k8s");
    CHECK(j["kill"] == "crash");
    REQUIRE(j["trials"].size() == 1);
    const auto& t = j["trials"][0];
    std::string old = t["old_leader"], fresh = t["new_leader"];
    CHECK(old != fresh);
    CHECK(t["lost"] == 0);
    CHECK(t["first_success_ms"].is_number());
    // kubectl got exactly these argv words, the pod name from the leader's registry metadata.
    CHECK(delete_call(k8s) == "delete pod " + old + " -n aegis-trader --wait=false "
                                                    "--grace-period=0 --force --request-timeout=9s");
    CHECK(contains(r.err, "deleting pod '" + old + "'"));
    // The pod's process is what died, and the pod left the fake cluster.
    CHECK(eventually([&] { return !fleet.by_id(old).running(); }, 5s));
    CHECK(fleet.by_id(fresh).running());
    auto left = k8s.pods(k_ctx);
    CHECK(std::find(left.begin(), left.end(), old) == left.end());
    CHECK(left.size() == 2);
}

TEST_CASE("failover --k8s: a registry pod name that is not a Kubernetes name never reaches "
          "kubectl (exit 65)") {
    NatsServer nats;
    FakeK8s k8s = cluster();
    PodFleet fleet(nats, k8s, "fo-k8s-bad", 1, "x;touch fo-k8s-pwned;");
    auto r = run_aegis({"failover", "fo-k8s-bad", "--k8s", "--duration", "2", "--kill-after",
                        "0.2", "--server", nats.url()},
                       k8s.env(), {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, "aegis: error: the registry names pod 'x;touch fo-k8s-pwned;1' for "
                          "'fo-k8s-bad-1', which is not a Kubernetes pod name (DNS-1123)"));
    CHECK(delete_call(k8s).empty());
    CHECK(fleet.pods[0]->running());
}

TEST_CASE("failover --k8s: a leader without pod metadata is exit 65, with --spawn exit 2") {
    NatsServer nats;
    FakeK8s k8s = cluster();
    Background plain({"demo", "echo-single", "--service", "fo-k8s-plain", "--server", nats.url()},
                     {{"KUBERNETES_SERVICE_HOST", ""}, {"POD_NAME", ""}});
    REQUIRE(plain.wait_for_output("is ACTIVE", 15s));
    auto r = run_aegis({"failover", "fo-k8s-plain", "--k8s", "--duration", "2", "--kill-after",
                        "0.2", "--server", nats.url()},
                       k8s.env(), {}, 60s);
    INFO(r.err);
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, "names no pod in its registry metadata (no 'pod_name')"));
    CHECK(delete_call(k8s).empty());
    auto both = run_aegis({"failover", "x", "--k8s", "--spawn", "2"}, k8s.env());
    CHECK(both.exit_code == 2);
}

TEST_CASE("scenario kill_pod: the leader's pod is deleted and a new leader takes over") {
    NatsServer nats;
    FakeK8s k8s = cluster();
    PodFleet fleet(nats, k8s, "sc-k8s", 2);
    std::string file = k8s.dir() + "/pod-kill.yaml";
    std::ofstream(file) << R"(name: pod-kill
steps:
  - wait_for: {leader: sc-k8s, timeout: 10s}
  - kill_pod: {service: sc-k8s, who: leader, expect_new_leader: 15s}
  - assert: ["kill_pod.new_leader_ms < 15000"]
)";
    auto r = run_aegis({"test", file, "--json", "--server", nats.url()}, k8s.env(), {}, 90s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    REQUIRE(j["scenarios"].size() == 1);
    const auto& steps = j["scenarios"][0]["steps"];
    REQUIRE(steps.size() >= 3);
    CHECK(steps[1]["kind"] == "kill_pod");
    std::string title = steps[1]["title"];
    CHECK(contains(title, "kill pod aegis-trader/sc-k8s-"));
    CHECK(contains(title, "(--grace-period=0 --force) → new leader sc-k8s-"));
    std::string call = delete_call(k8s);
    REQUIRE(!call.empty());
    std::string killed = call.substr(11, call.find(' ', 11) - 11);  // "delete pod NAME ..."
    CHECK(eventually([&] { return !fleet.by_id(killed).running(); }, 5s));
}
