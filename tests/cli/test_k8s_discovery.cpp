// Kubernetes-aware discovery end to end: the built aegis with a fake kubectl first on PATH
// (tests/support/fake_kubectl.cpp) that forwards to a real nats-server. The machine's kubectl is
// never run; the local port is a free one, never 4222.
#include <catch2/catch.hpp>
#include <signal.h>

#include <fstream>
#include <thread>

#include "core/util/process.hpp"
#include "tests/support/fake_k8s.hpp"
#include "tests/support/nats_server.hpp"
#include "tests/support/run_process.hpp"
#include "tests/support/helpers.hpp"

using aegis::test::contains;
using aegis::test::eventually;
using aegis::test::with;

using namespace aegis::test;
using nlohmann::json;

namespace {

const json* attempt(const json& j, const std::string& step) {
    for (auto& a : j.at("attempts"))
        if (a.at("step") == step) return &a;
    return nullptr;
}

// Gone, or a zombie nobody has reaped yet (PID 1 in a container may not reap orphans).
bool process_gone(pid_t pid) {
    if (kill(pid, 0) != 0) return true;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

ProcessResult call_echo(const Env& env, const std::string& message = "hi") {
    return run_aegis({"call", "echo-service", "echo", "message=" + message, "--json"}, env, {},
                     std::chrono::seconds(20));
}

}  // namespace

TEST_CASE("discover: finds the service with kubectl and shows the port-forward it would run") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.set_current("kind-aegis");
    k8s.write();
    auto r = run_aegis({"discover", "--json"}, k8s.env());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    std::string local = "nats://127.0.0.1:" + std::to_string(k8s.local_port());
    CHECK(j.at("found") == true);
    CHECK(j.at("url") == local);
    CHECK(j.at("kube_context") == "kind-aegis");
    REQUIRE(attempt(j, "kubernetes"));
    CHECK(attempt(j, "kubernetes")->at("status") == "ok");
    CHECK(contains(attempt(j, "kubernetes")->at("detail"), "port 'nats' 4222"));
    REQUIRE(attempt(j, "port-forward"));
    CHECK(attempt(j, "port-forward")->at("status") == "planned");
    CHECK(j.at("environments").at("in-cluster").at("url") ==
          "nats://aegis-trader-nats.aegis-trader.svc.cluster.local:4222");
    CHECK_FALSE(k8s.port_forward_called());  // a dry run starts nothing

    auto human = run_aegis({"discover", "--env", "local-k8s"}, k8s.env());
    CHECK(human.exit_code == 0);
    CHECK(contains(human.out, "[~] port-forward"));
    CHECK(contains(human.out, "would run: kubectl --context kind-aegis port-forward -n "
                              "aegis-trader svc/aegis-trader-nats " +
                                  std::to_string(k8s.local_port()) + ":4222"));
}

TEST_CASE("k8s: the port-forward starts, NATS is reached through it, a second process reuses it") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.set_current("kind-aegis");
    k8s.write();
    Background svc({"demo", "echo", "-v"}, k8s.env());
    REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));
    CHECK(contains(svc.output(), "via kubernetes port-forward"));
    auto pids = k8s.forward_pids();
    REQUIRE(pids.size() == 1);

    auto r = call_echo(k8s.env());
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "hi"));
    int forwards = 0;
    for (auto& c : k8s.calls()) forwards += contains(c, "port-forward");
    CHECK(forwards == 1);  // the call found the service's forward on the local port

    // SIGTERM: a clean stop, and kubectl goes with it.
    svc.stop(SIGTERM);
    CHECK(eventually([&] { return process_gone(pids[0]); }, std::chrono::seconds(5)));
}

TEST_CASE("k8s: a dying port-forward is restarted, the service reconnects and keeps answering") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.set_current("kind-aegis");
    k8s.write();
    Background svc({"demo", "echo"}, k8s.env());
    REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));
    REQUIRE(call_echo(k8s.env(), "before").exit_code == 0);
    auto old = k8s.forward_pids();
    REQUIRE(old.size() == 1);

    kill(old[0], SIGUSR1);  // the fake dies the way kubectl does when the NATS pod restarts
    CHECK(eventually([&] {
        auto now = k8s.forward_pids();
        return now.size() == 1 && now[0] != old[0];
    }, std::chrono::seconds(20), std::chrono::milliseconds(100)));
    CHECK(svc.wait_for_output("restarting", std::chrono::seconds(10)));
    CHECK(svc.wait_for_output("reconnected to NATS", std::chrono::seconds(20)));
    ProcessResult after;
    CHECK(eventually([&] { return (after = call_echo(k8s.env(), "after")).exit_code == 0; },
                     std::chrono::seconds(20), std::chrono::milliseconds(100)));
    CHECK(contains(after.out, "after"));
    CHECK(svc.running());
}

TEST_CASE("k8s: kubectl never outlives aegis (SIGINT, and SIGKILL via the death signal)") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.set_current("kind-aegis");
    k8s.write();
    for (int sig : {SIGINT, SIGKILL}) {
        INFO("signal " << sig);
        Background svc({"demo", "echo"}, k8s.env());
        REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));
        auto pids = k8s.forward_pids();
        REQUIRE(pids.size() == 1);
        svc.stop(sig);
        CHECK(eventually([&] { return process_gone(pids[0]); }, std::chrono::seconds(5)));
    }
}

// The current context, nothing chosen: every step is tried (a chosen target: the next test).
TEST_CASE("k8s: a wrong current context or cluster gives its error and exit 69") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.add_context("docker-desktop");
    k8s.add_context("old-cluster", false, "https://10.1.2.3:6443");
    struct Case {
        std::string current;
        Env extra;
        std::string error;
        std::string fix;
    };
    std::vector<Case> cases = {
        {"docker-desktop", {}, "namespace 'aegis-trader' not found (context 'docker-desktop')",
         "kubectl config use-context NAME (contexts: docker-desktop, kind-aegis, old-cluster)"},
        {"", {}, "kubeconfig has no current context", "kubectl config use-context NAME"},
        {"old-cluster", {}, "the cluster of context 'old-cluster' does not answer",
         "start the cluster"},
    };
    for (auto& c : cases) {
        INFO("context '" << c.current << "', expecting: " << c.error);
        k8s.set_current(c.current);
        k8s.write();
        auto r = run_aegis({"call", "echo-service", "echo"}, with(k8s.env(), c.extra));
        CHECK(r.exit_code == 69);
        CHECK(r.took < std::chrono::seconds(10));
        CHECK(r.out.empty());
        CHECK(r.err.rfind("aegis: error: no NATS server found: " + c.error, 0) == 0);
        CHECK(contains(r.err, c.fix));
        CHECK(contains(r.err, "[✗] kubernetes"));
        CHECK(contains(r.err, "[✗] localhost"));
        CHECK(contains(r.err, "[✗] local-server"));
        CHECK_FALSE(k8s.port_forward_called());
    }
}

// A context, namespace or service the user chose is a requirement: when the Kubernetes step
// fails, NATS answering on the local port (here: a real server) must not stand in for it.
TEST_CASE("k8s: a chosen context, namespace or service that fails is an error, not a fallback") {
    NatsServer nats;  // answers on the local port: the old silent fallback
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port());
    k8s.add_context("docker-desktop");
    k8s.set_current("kind-aegis");
    k8s.write();
    std::string file = k8s.dir() + "/aegis.yaml";
    std::ofstream(file) << "k8s:\n  namespace: trading\n";
    struct Case {
        Env extra;
        std::string error;
        std::string hint;
    };
    std::vector<Case> cases = {
        {{{"AEGIS_KUBE_CONTEXT", "prod-east"}},
         "the kubernetes step failed: context 'prod-east' is not defined in kubeconfig; "
         "k8s.context 'prod-east' (env AEGIS_KUBE_CONTEXT) was set explicitly, so no other "
         "server is tried",
         "(set k8s.context to a context the kubeconfig defines (docker-desktop, kind-aegis); or "
         "unset AEGIS_KUBE_CONTEXT)"},
        {{{"AEGIS_NAMESPACE", "trading"}},
         "the kubernetes step failed: namespace 'trading' not found (context 'kind-aegis'); "
         "k8s.namespace 'trading' (env AEGIS_NAMESPACE) was set explicitly",
         "or unset AEGIS_NAMESPACE)"},
        {{{"AEGIS_NATS_SERVICE", "nats"}},
         "the kubernetes step failed: service 'nats' not found in namespace 'aegis-trader' "
         "(context 'kind-aegis'); k8s.service_name 'nats' (env AEGIS_NATS_SERVICE) was set",
         "helm install nats nats/nats -n aegis-trader"},
        {{{"AEGIS_CONFIG", file}},
         "the kubernetes step failed: namespace 'trading' not found (context 'kind-aegis'); "
         "k8s.namespace 'trading' (file " + file + ":2) was set explicitly",
         "or edit " + file + ":2)"},
    };
    Env plain = with(k8s.env(), {{"AEGIS_LOCAL_PORT", std::to_string(nats.port())}});
    for (auto& c : cases) {
        INFO("expecting: " << c.error);
        auto r = run_aegis({"call", "echo-service", "echo"}, with(plain, c.extra));
        CHECK(r.exit_code == 69);
        CHECK(r.out.empty());
        CHECK(r.err.rfind("aegis: error: " + c.error, 0) == 0);
        CHECK(contains(r.err, c.hint));
        CHECK(r.err.find('\n') == r.err.size() - 1);  // one line
        CHECK_FALSE(k8s.port_forward_called());

        auto d = run_aegis({"discover", "--json"}, with(plain, c.extra));
        CHECK(d.exit_code == 1);
        auto j = json::parse(d.out);
        CHECK(j.at("stopped") == true);
        CHECK(j.at("pinned").size() == 1);
        CHECK_FALSE(attempt(j, "localhost"));
        CHECK_FALSE(attempt(j, "local-server"));
    }
    // Nothing chosen: the same machine still finds NATS on the local port.
    auto r = run_aegis({"discover", "--json"}, plain);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out).at("source") == "localhost");
}

// With a chosen target that exists, the server 'aegis up' started on the local port is not
// taken for a port-forward: aegis starts its own forward to the chosen service.
TEST_CASE("k8s: the 'aegis up' server does not stand in for a chosen cluster") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", nats.port(), 1, "trading");
    k8s.set_current("kind-aegis");
    k8s.write();
    Env env = k8s.env();
    auto up = run_aegis({"up", "--port", std::to_string(k8s.local_port()), "--json"}, env);
    REQUIRE(up.exit_code == 0);
    struct Down {
        Env env;
        ~Down() { run_aegis({"down"}, env); }
    } down{env};

    auto r = run_aegis({"discover", "--json"}, with(env, {{"AEGIS_NAMESPACE", "trading"}}));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j.at("source") == "kubernetes port-forward (not started: dry run)");
    REQUIRE(attempt(j, "localhost"));
    CHECK(attempt(j, "localhost")->at("status") == "skipped");
    CHECK(j.at("url") != "nats://127.0.0.1:" + std::to_string(k8s.local_port()));

    auto bad = run_aegis({"call", "echo-service", "echo"},
                         with(env, {{"AEGIS_NAMESPACE", "nowhere"}}));
    CHECK(bad.exit_code == 69);
    CHECK(contains(bad.err, "namespace 'nowhere' not found"));
}

// A fallback while the kubeconfig names a cluster: one info line on stderr says which server
// was used; never with --json or -q.
TEST_CASE("k8s: a fallback to localhost or 'aegis up' is said once on stderr") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", 1);  // never asked: localhost answers first
    k8s.add_context("docker-desktop");
    k8s.set_current("kind-aegis");
    k8s.write();
    Env env = with(k8s.env(), {{"AEGIS_LOCAL_PORT", std::to_string(nats.port())}});
    auto count = [](const std::string& text, const std::string& what) {
        size_t n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    };
    std::string note = "NATS: using " + nats.url() +
                       " (found on localhost: an existing port-forward or a local server), not "
                       "Kubernetes context 'kind-aegis'";
    auto r = run_aegis({"explore"}, env);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(count(r.err, note) == 1);
    CHECK(count(r.out, "NATS: using") == 0);
    for (const char* flag : {"--json", "-q"}) {
        auto quiet = run_aegis({"explore", flag}, env);
        INFO(flag << ": " << quiet.err);
        CHECK(quiet.exit_code == 0);
        CHECK(count(quiet.err + quiet.out, "NATS: using") == 0);
    }

    // The 'aegis up' server, after the Kubernetes step failed: the note says why.
    k8s.set_current("docker-desktop");
    k8s.write();
    Env bare = k8s.env();  // nothing on the local port
    auto up = run_aegis({"up", "--port", "0", "--json"}, bare);
    REQUIRE(up.exit_code == 0);
    struct Down {
        Env env;
        ~Down() { run_aegis({"down"}, env); }
    } down{bare};
    std::string url = json::parse(up.out).at("url");
    auto l = run_aegis({"explore"}, bare);
    INFO(l.err);
    CHECK(l.exit_code == 0);
    CHECK(count(l.err, "NATS: using " + url + " (the server 'aegis up' started), not Kubernetes "
                       "context 'docker-desktop' (namespace 'aegis-trader' not found (context "
                       "'docker-desktop'))") == 1);
    // Nothing to say without a current context.
    k8s.set_current("");
    k8s.write();
    CHECK(count(run_aegis({"explore"}, bare).err, "NATS: using") == 0);
}

TEST_CASE("k8s: in a pod the service's environment variables give the URL") {
    NatsServer nats;
    FakeK8s k8s;  // no cluster for kubectl: in a pod it is not needed
    Env pod = with(k8s.env(), {{"AEGIS_ENVIRONMENT", ""},
                               {"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                               {"AEGIS_TRADER_NATS_SERVICE_HOST", "127.0.0.1"},
                               {"AEGIS_TRADER_NATS_SERVICE_PORT", std::to_string(nats.port())}});
    auto r = run_aegis({"discover", "--json"}, pod);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j.at("environment") == "in-cluster");
    CHECK(j.at("source") == "in-cluster");
    CHECK(j.at("url") == nats.url());
    Background svc({"demo", "echo"}, pod);
    REQUIRE(svc.wait_for_output("started", std::chrono::seconds(20)));
    CHECK(call_echo(pod).exit_code == 0);
    CHECK(k8s.calls().empty());
}

TEST_CASE("k8s: NATS already on the local port is used without running kubectl") {
    NatsServer nats;
    FakeK8s k8s;
    k8s.add_nats("kind-aegis", 1);  // would be unreachable: it must not be tried
    k8s.set_current("kind-aegis");
    k8s.write();
    Env env = with(k8s.env(), {{"AEGIS_LOCAL_PORT", std::to_string(nats.port())}});
    auto r = run_aegis({"discover", "--check", "--json"}, env);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j.at("source") == "localhost");
    CHECK(j.at("url") == "nats://127.0.0.1:" + std::to_string(nats.port()));
    CHECK(k8s.calls().empty());
}

TEST_CASE("k8s: a changed kubeconfig context is noticed at the next resolution") {
    NatsServer a, b;
    FakeK8s k8s;
    k8s.add_nats("kind-a", a.port());
    k8s.add_nats("kind-b", b.port());
    k8s.set_current("kind-a");
    k8s.write();
    auto first = json::parse(run_aegis({"discover", "--json"}, k8s.env()).out);
    CHECK(first.at("kube_context") == "kind-a");
    k8s.set_current("kind-b");  // kubectl config use-context kind-b
    k8s.write();
    auto second = json::parse(run_aegis({"discover", "--json"}, k8s.env()).out);
    CHECK(second.at("kube_context") == "kind-b");
    CHECK(contains(attempt(second, "port-forward")->at("detail"), "--context kind-b"));
}

TEST_CASE("discover: the server 'aegis up' started is the last resort") {
    FakeK8s k8s;  // no cluster, nothing on the local port
    Env env = k8s.env();
    auto up = run_aegis({"up", "--port", "0", "--json"}, env);
    REQUIRE(up.exit_code == 0);
    struct Down {
        Env env;
        ~Down() { run_aegis({"down"}, env); }
    } down{env};
    std::string url = json::parse(up.out).at("url");
    auto r = run_aegis({"discover", "--json"}, env);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    auto j = json::parse(r.out);
    CHECK(j.at("url") == url);
    CHECK(j.at("source") == "local server (aegis up)");
    CHECK(attempt(j, "kubernetes")->at("status") == "failed");  // no current context
}
