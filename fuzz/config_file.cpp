// libFuzzer target: the config file loader, through the real load_config on a file holding the
// input. Bad input must be a ConfigError (exit 78) naming the problem, never a crash or
// another kind of error.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/config/sdk_config.hpp"
#include "fuzz/fuzz_check.hpp"

using namespace aegis;

namespace {

void remove_input_file();

const std::string& input_file() {
    static const std::string path = [] {
        std::atexit(remove_input_file);
        return "/tmp/aegis-fuzz-config-" + std::to_string(getpid()) + ".yaml";
    }();
    return path;
}

void remove_input_file() { std::remove(input_file().c_str()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = input_file();
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return 0;
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    config::LoadOptions o;
    o.config_file = path;
    o.use_environment = false;
    fuzz::accept_or_config_error([&] {
        auto c = config::load_config(o);
        return config::describe(c).size();
    });
    return 0;
}
