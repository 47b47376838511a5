#!/usr/bin/env bash
# Configures and builds aegis (binary, tests, benchmarks) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${AEGIS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-Release} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
