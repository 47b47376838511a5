#!/usr/bin/env bash
# Configures and builds aegis into build/: everything (binary, tests, benchmarks), or only the
# targets named (scripts/demo.sh builds `aegis` alone: the demo does not need the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache_env.sh
build_dir=${AEGIS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release} >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$build_dir" -j "$(nproc)" "${targets[@]}"
