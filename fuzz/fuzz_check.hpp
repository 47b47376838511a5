#pragma once
// Shared by the fuzz targets: what counts as a finding.
#include <cstdio>
#include <cstdlib>

#include "core/util/error.hpp"

namespace aegis::fuzz {

// A broken invariant is a finding: abort so that libFuzzer saves the input.
inline void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

// Runs `f`; a DataError (bad input, reported to the user as such) is fine. Any other exception
// escapes to libFuzzer, which reports it as a crash.
template <class F>
void accept_or_data_error(F f) {
    try {
        (void)f();
    } catch (const DataError&) {
    }
}

// The same for loaders whose bad input is a configuration error.
template <class F>
void accept_or_config_error(F f) {
    try {
        (void)f();
    } catch (const ConfigError&) {
    }
}

}  // namespace aegis::fuzz
