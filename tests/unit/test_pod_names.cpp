// What may reach kubectl from the registry: only Kubernetes names (DNS-1123), and where an
// instance says it runs (its host and pod metadata).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "core/scenario/pod_kill.hpp"
#include "core/service/host_metadata.hpp"
#include "tests/support/nats_server.hpp"

using aegis::scenario::is_dns1123_label;
using aegis::scenario::is_dns1123_subdomain;

TEST_CASE("pod names: DNS-1123 subdomains and namespace labels") {
    for (const char* ok : {"echo-single-service-7d9f8b6c4-x2kqp", "aegis-trader-nats-0", "a",
                           "web.v2-0", "0abc"})
        CHECK(is_dns1123_subdomain(ok));
    for (const char* bad : {"", "-x", "x-", "X", "a b", "a;rm -rf /", "$(id)", "a..b", "a.-b",
                            "a/b", "pod\nname", ".a", "a."})
        CHECK_FALSE(is_dns1123_subdomain(bad));
    CHECK_FALSE(is_dns1123_subdomain(std::string(254, 'a')));
    CHECK(is_dns1123_subdomain(std::string(253, 'a')));
    CHECK(is_dns1123_label("aegis-trader"));
    CHECK_FALSE(is_dns1123_label("aegis.trader"));  // a namespace is a label: no dots
    CHECK_FALSE(is_dns1123_label(std::string(64, 'a')));
    CHECK_FALSE(is_dns1123_label("--all-namespaces"));
}

TEST_CASE("host metadata: the hostname always, pod names only in a pod") {
    ::unsetenv("KUBERNETES_SERVICE_HOST");
    ::unsetenv("POD_NAME");
    ::unsetenv("POD_NAMESPACE");
    auto md = aegis::service::host_metadata();
    CHECK(md["hostname"].is_string());
    CHECK_FALSE(md.contains("pod_name"));
    // The downward API's names win.
    ::setenv("POD_NAME", "echo-single-service-0", 1);
    ::setenv("POD_NAMESPACE", "aegis-trader", 1);
    md = aegis::service::host_metadata();
    CHECK(md["pod_name"] == "echo-single-service-0");
    CHECK(md["pod_namespace"] == "aegis-trader");
    // In a pod without them: the pod's hostname ($HOSTNAME).
    ::unsetenv("POD_NAME");
    ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    ::setenv("HOSTNAME", "order-processor-5c7b9-abcde", 1);
    md = aegis::service::host_metadata();
    CHECK(md["pod_name"] == "order-processor-5c7b9-abcde");
    ::unsetenv("KUBERNETES_SERVICE_HOST");
    ::unsetenv("POD_NAMESPACE");
    aegis::test::TempDir dir;
    std::ofstream(dir.path() + "/namespace") << "team-a\n";
    CHECK(aegis::service::service_account_namespace(dir.path() + "/namespace") == "team-a");
    CHECK(aegis::service::service_account_namespace(dir.path() + "/none").empty());
}
