// libFuzzer target: the kubeconfig reader. A file it cannot read is recorded in
// Kubeconfig::errors (kubectl's behaviour: the other files still count); it never throws.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/k8s/kubeconfig.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    k8s::Kubeconfig k;
    k8s::merge_kubeconfig_text(k, text, "fuzz.yaml");
    // A second file merged over the first, as with KUBECONFIG=a:b.
    k8s::merge_kubeconfig_text(k, text, "fuzz2.yaml");
    for (const auto& name : k.context_names()) {
        const k8s::KubeContext* c = k.find(name);
        fuzz::require(c != nullptr, "a listed context cannot be found");
        (void)k8s::is_local_cluster(c->name, c->server);
    }
    return 0;
}
