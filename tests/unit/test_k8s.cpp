// core/k8s: kubeconfig merging, environment detection, kubectl error classification, nkeys.
#include <catch2/catch.hpp>

#include "core/config/nats_url.hpp"
#include "core/k8s/environment.hpp"
#include "core/k8s/kubeconfig.hpp"
#include "core/k8s/kubectl.hpp"
#include "core/nats/nkeys.hpp"
#include "core/util/error.hpp"

using namespace aegis;

namespace {

const char* k_kind = R"(apiVersion: v1
kind: Config
current-context: kind-aegis
clusters:
- name: kind-aegis
  cluster:
    server: https://127.0.0.1:39201
contexts:
- name: kind-aegis
  context:
    cluster: kind-aegis
    user: kind-aegis
    namespace: aegis-trader
)";

const char* k_prod = R"(apiVersion: v1
kind: Config
current-context: prod-eu
clusters:
- name: eks-eu
  cluster:
    server: https://ABC.gr7.eu-west-1.eks.amazonaws.com
contexts:
- name: prod-eu
  context:
    cluster: eks-eu
    user: admin
- name: kind-aegis
  context:
    cluster: shadowed
)";

}  // namespace

TEST_CASE("k8s: kubeconfig files merge like kubectl's (first current-context and name win)") {
    k8s::Kubeconfig kc;
    k8s::merge_kubeconfig_text(kc, k_kind, "a");
    k8s::merge_kubeconfig_text(kc, k_prod, "b");
    CHECK(kc.current_context == "kind-aegis");
    REQUIRE(kc.contexts.size() == 2);
    CHECK(kc.find("kind-aegis")->server == "https://127.0.0.1:39201");
    CHECK(kc.find("kind-aegis")->namespace_name == "aegis-trader");
    CHECK(kc.find("prod-eu")->server == "https://ABC.gr7.eu-west-1.eks.amazonaws.com");
    k8s::merge_kubeconfig_text(kc, "contexts: [oops", "broken");
    CHECK(kc.errors.size() == 1);
    CHECK(kc.errors[0].find("broken: line") == 0);
}

TEST_CASE("k8s: environment detection order: in-cluster, docker, local-k8s, production, none") {
    k8s::Facts f;
    CHECK(k8s::detect_environment(f).environment == k8s::Environment::none);
    f.kubeconfig = k8s::Kubeconfig{};
    k8s::merge_kubeconfig_text(*f.kubeconfig, k_prod, "p");
    CHECK(k8s::detect_environment(f).environment == k8s::Environment::production);
    auto local = k8s::detect_environment(f, "auto", "kind-aegis");  // k8s.context
    CHECK(local.environment == k8s::Environment::local_k8s);
    CHECK(local.context == "kind-aegis");
    f.dockerenv = true;
    CHECK(k8s::detect_environment(f).environment == k8s::Environment::docker);
    f.kubernetes_service_host = "10.96.0.1";
    auto pod = k8s::detect_environment(f);
    CHECK(pod.environment == k8s::Environment::in_cluster);
    CHECK(pod.reason == "KUBERNETES_SERVICE_HOST is set");
    auto forced = k8s::detect_environment(f, "none");
    CHECK(forced.environment == k8s::Environment::none);
    CHECK(forced.forced);
}

TEST_CASE("k8s: local clusters by context name or loopback API server") {
    CHECK(k8s::is_local_cluster("kind-aegis", ""));
    CHECK(k8s::is_local_cluster("minikube", ""));
    CHECK(k8s::is_local_cluster("docker-desktop", ""));
    CHECK(k8s::is_local_cluster("k3d-dev", ""));
    CHECK(k8s::is_local_cluster("rancher-desktop", ""));
    CHECK(k8s::is_local_cluster("orbstack", ""));
    CHECK(k8s::is_local_cluster("my-lab", "https://127.0.0.1:6443"));
    CHECK(k8s::is_local_cluster("my-lab", "https://localhost:6443"));
    CHECK_FALSE(k8s::is_local_cluster("prod-eu", "https://ABC.eks.amazonaws.com"));
}

TEST_CASE("k8s: kubectl's real error messages are classified") {
    using k8s::KubeError;
    std::string last;
    CHECK(k8s::classify_kubectl_error(
              "Error from server (NotFound): services \"aegis-trader-nats\" not found\n", &last) ==
          KubeError::service_not_found);
    CHECK(last == "Error from server (NotFound): services \"aegis-trader-nats\" not found");
    CHECK(k8s::classify_kubectl_error(
              "Error from server (NotFound): namespaces \"aegis-trader\" not found\n", nullptr) ==
          KubeError::namespace_not_found);
    CHECK(k8s::classify_kubectl_error("error: current-context is not set\n", nullptr) ==
          KubeError::no_context);
    CHECK(k8s::classify_kubectl_error("error: context \"nope\" does not exist\n", nullptr) ==
          KubeError::context_missing);
    std::string refused =
        "E1127 11:08:25.228480   12788 memcache.go:265] \"Unhandled Error\" err=\"couldn't get "
        "current server API group list\"\nThe connection to the server localhost:8080 was "
        "refused - did you specify the right host or port?\n";
    CHECK(k8s::classify_kubectl_error(refused, &last) == KubeError::unreachable);
    CHECK(last.rfind("The connection to the server", 0) == 0);  // not the klog line
}

TEST_CASE("k8s: the NATS port is the one named 'nats'") {
    auto svc = k8s::parse_service_json(Json::parse(R"({
      "metadata": {"name": "aegis-trader-nats", "namespace": "aegis-trader"},
      "spec": {"clusterIP": "10.96.12.34", "ports": [
        {"name": "monitor", "port": 8222, "targetPort": 8222},
        {"name": "nats", "port": 4222, "targetPort": "nats"}]}})"));
    CHECK(svc.cluster_ip == "10.96.12.34");
    auto p = k8s::pick_port(svc, "nats", 4222);
    REQUIRE(p);
    CHECK(p->port == 4222);
    CHECK(p->target_port == "nats");
    svc.ports = {{"client", 4333, ""}, {"monitor", 8222, ""}};
    CHECK_FALSE(k8s::pick_port(svc, "nats", 4222));
    CHECK(k8s::pick_port(svc, "nats", 4333)->name == "client");
}

TEST_CASE("k8s: the URL each environment would use") {
    config::SdkConfig c;
    CHECK(config::url_for_environment(c, k8s::Environment::in_cluster).url ==
          "nats://aegis-trader-nats.aegis-trader.svc.cluster.local:4222");
    CHECK(config::url_for_environment(c, k8s::Environment::docker).url ==
          "nats://host.docker.internal:4222");
    auto local = config::url_for_environment(c, k8s::Environment::local_k8s);
    CHECK(local.url == "nats://127.0.0.1:4222");
    CHECK(local.how == "kubectl port-forward -n aegis-trader svc/aegis-trader-nats 4222:4222");
}

TEST_CASE("config: nkey public keys derive from seeds (nats-server's test key pair)") {
    // The well-known example pair from nats-server's own tests (public, test-only).
    const std::string seed = "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY";
    CHECK(nats::nkey_public_from_seed(seed) ==
          "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4");
    std::string corrupt = seed;
    corrupt[10] = corrupt[10] == 'A' ? 'B' : 'A';  // the checksum no longer matches
    CHECK_THROWS_AS(nats::nkey_public_from_seed(corrupt), ConfigError);
    auto pair = nats::nkey_create('U');
    CHECK(pair.seed.rfind("SU", 0) == 0);
    CHECK(pair.public_key[0] == 'U');
    CHECK(nats::nkey_public_from_seed(pair.seed) == pair.public_key);
    CHECK(nats::nkey_sign(pair.seed, "nonce").size() == 64);
}
